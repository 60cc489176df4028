import type { RemoteConsole } from 'vscode-languageserver/node';
import type { Logger } from '../engine/log';

/**
 * The server's Logger: lines go over LSP's window/logMessage to the client, which writes them
 * to the Plumbline output channel, so the person finds server and client lines in one place.
 */
export function consoleLogger(console: RemoteConsole): Logger {
  const text = (message: string | Error, args: unknown[]) =>
    [message instanceof Error ? message.message : message, ...args.map(format)].join(' ');
  return {
    trace: (message, ...args) => console.debug(text(message, args)),
    debug: (message, ...args) => console.debug(text(message, args)),
    info: (message, ...args) => console.info(text(message, args)),
    warn: (message, ...args) => console.warn(text(message, args)),
    error: (message, ...args) => console.error(text(message, args)),
  };
}

function format(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return value.message;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
