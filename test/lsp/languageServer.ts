import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  createProtocolConnection,
  InitializeRequest,
  LogMessageNotification,
  StreamMessageReader,
  StreamMessageWriter,
  type InitializeResult,
  type LogMessageParams,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';

/**
 * The built language server (dist/server.js) in its own process, driven over stdio by a real
 * LSP client connection, as another editor would run it.
 */
export interface ServerUnderTest {
  connection: ProtocolConnection;
  process: ChildProcess;
  logs: LogMessageParams[];
  initialize(rootDir: string): Promise<InitializeResult>;
  /** Sends shutdown and exit, and resolves with the process's exit code. */
  shutdown(): Promise<number | null>;
}

/**
 * `bin`: the server to run (the benchmarks, bundled into dist/, name the one beside them);
 * `stderr`: what becomes of the server's stderr.
 */
export function startServer(options: { bin?: string; stderr?: 'inherit' | 'ignore' } = {}): ServerUnderTest {
  const bin = options.bin ?? path.resolve(__dirname, '../../dist/server.js');
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [bin, '--stdio'], { stdio: ['pipe', 'pipe', options.stderr ?? 'inherit'] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const logs: LogMessageParams[] = [];
  connection.onNotification(LogMessageNotification.type, (params: LogMessageParams) => {
    logs.push(params);
  });
  connection.listen();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    connection,
    process: child,
    logs,
    initialize: (rootDir) =>
      connection.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        rootUri: `file://${rootDir}`,
        capabilities: {},
        workspaceFolders: [{ uri: `file://${rootDir}`, name: path.basename(rootDir) }],
      }),
    async shutdown() {
      await connection.sendRequest('shutdown');
      await connection.sendNotification('exit');
      const code = await exited;
      connection.dispose();
      return code;
    },
  };
}

/** Polls until `check` returns a value (diagnostics arrive when the server is ready, not on request). */
export async function eventually<T>(check: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
