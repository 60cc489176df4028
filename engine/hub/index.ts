/** engine/hub: the agent hub (SPEC §6) — agents outside VS Code connect, follow the plan, get checked, and can be stopped. */
import { Hub, type HubHost } from './hub';
import { defaultLockDir, removeLockSync, writeLock } from './lockFile';
import { HubServer, type HubServerOptions } from './server';

export { Hub, type HubHost, type HubRunInfo, type HubRunSink } from './hub';
export { HubClient, HubRequestError, type ConnectOptions } from './client';
export { defaultLockDir, findLock, liveLocks, lockPath, NoHubError } from './lockFile';
export { HubError, HubServer, type Session } from './server';

export interface RunningHub {
  hub: Hub;
  server: HubServer;
  port: number;
  lockFile: string;
  close(): Promise<void>;
}

/**
 * Starts the hub for a workspace: its logic, the WebSocket server on a random loopback port, and
 * the lock file that lets clients find it. The lock file goes when the hub closes, and also if
 * the process exits without closing it.
 */
export async function startHub(host: HubHost, options: Omit<HubServerOptions, 'log'> & { lockDir?: string } = {}): Promise<RunningHub> {
  const hub = new Hub(host);
  const server = new HubServer(hub, { ...options, log: host.log });
  const port = await server.listen();
  let lockFile: string;
  try {
    lockFile = await writeLock(options.lockDir ?? defaultLockDir(), { pid: process.pid, port, token: server.token, workspaceFolders: host.workspaceFolders });
  } catch (err) {
    hub.close();
    await server.close();
    throw err;
  }
  const onExit = () => removeLockSync(lockFile);
  process.once('exit', onExit);
  host.log.info(`Hub: listening on 127.0.0.1:${port}; lock file ${lockFile}`);
  return {
    hub,
    server,
    port,
    lockFile,
    async close() {
      process.off('exit', onExit);
      removeLockSync(lockFile);
      hub.close();
      await server.close();
    },
  };
}
