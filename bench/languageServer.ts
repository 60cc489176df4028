import { spawn } from 'node:child_process';
import path from 'node:path';
import {
  createProtocolConnection,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { URI } from 'vscode-uri';

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
  const child = spawn(process.execPath, [path.resolve('dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const listeners = new Set<(p: PublishDiagnosticsParams) => void>();
  connection.onNotification(PublishDiagnosticsNotification.type, (p) => listeners.forEach((f) => f(p)));
  connection.listen();
  const folder = URI.file(dir).toString();
  await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: folder, capabilities: {}, workspaceFolders: [{ uri: folder, name: path.basename(dir) }] });
  await connection.sendNotification(InitializedNotification.type, {});
  return {
    connection,
    pid: child.pid!,
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
      await connection.sendRequest('shutdown').catch(() => undefined);
      await connection.sendNotification('exit').catch(() => undefined);
      connection.dispose();
      child.kill();
    },
  };
}
