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
