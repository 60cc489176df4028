/**
 * The one logging interface of Plumbline. Engine code receives a Logger and never decides where
 * lines go: the extension passes its LogOutputChannel (which has exactly these methods), the
 * language server an adapter over the LSP connection, the CLI a stderr writer.
 */
export interface Logger {
  trace(message: string, ...args: unknown[]): void;
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string | Error, ...args: unknown[]): void;
}

/** A Logger for the CLI: one line per message on a stream (stderr), trace and debug left out. */
export function streamLogger(stream: NodeJS.WritableStream): Logger {
  const line = (level: string) => (message: string | Error) => void stream.write(`${new Date().toISOString()} ${level} ${message instanceof Error ? message.message : message}\n`);
  return { trace: () => undefined, debug: () => undefined, info: line('info'), warn: line('warn'), error: line('error') };
}
