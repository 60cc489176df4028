import path from 'node:path';
import { InitializedNotification, PublishDiagnosticsNotification, type Diagnostic, type ProtocolConnection, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { startServer as startTestServer } from '../test/lsp/languageServer';

/** The built language server in its own process, as an editor runs it, for the rows that time it. */
export interface BenchServer {
  connection: ProtocolConnection;
  /** The server process's id, to read its memory. */
  pid: number;
  /**
   * Resolves once diagnostics of `uri` that `wanted` accepts are published. Call it before the
   * change it waits for: what arrives before the call is not seen.
   */
  diagnostics(uri: string, wanted: (diagnostics: Diagnostic[]) => boolean, what: string): Promise<void>;
  stop(): Promise<void>;
}

/** Starts dist/server.js (the one `npm run bench` just built; npm runs scripts from the package root) on the folder `dir`. */
export async function startServer(dir: string): Promise<BenchServer> {
  const server = startTestServer({ bin: path.resolve('dist/server.js'), stderr: 'ignore' });
  const { connection } = server;
  const listeners = new Set<(p: PublishDiagnosticsParams) => void>();
  connection.onNotification(PublishDiagnosticsNotification.type, (p) => listeners.forEach((f) => f(p)));
  await server.initialize(dir);
  await connection.sendNotification(InitializedNotification.type, {});
  return {
    connection,
    pid: server.process.pid!,
    diagnostics: (uri, wanted, what) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(listener);
          reject(new Error(`no diagnostics for ${what} after 10 s`));
        }, 10_000);
        const listener = (p: PublishDiagnosticsParams) => {
          if (p.uri !== uri || !wanted(p.diagnostics)) return;
          listeners.delete(listener);
          clearTimeout(timer);
          resolve();
        };
        listeners.add(listener);
      }),
    async stop() {
      await server.shutdown().catch(() => undefined);
      server.process.kill();
    },
  };
}
