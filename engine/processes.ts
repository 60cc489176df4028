/**
 * Whether a process of this machine is running: the one check behind every lock file Plumbline
 * takes over (the store's, the hub's, an edit's). EPERM means it runs as another user.
 */
export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
