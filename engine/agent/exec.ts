import { spawn } from 'node:child_process';

const maxOutput = 64 * 1024;

/**
 * Runs a shell command for an agent: in its own process group, so a stop or a timeout kills the
 * command and everything it started; output (stdout and stderr interleaved) kept to the last
 * 64 KB, which is what a model can use.
 */
export function execCommand(command: string, cwd: string, timeoutMs: number, signal: AbortSignal, env: NodeJS.ProcessEnv = process.env): Promise<{ exitCode: number | null; output: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    let output = '';
    let timedOut = false;
    const child = spawn(command, { cwd, shell: true, detached: true, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const append = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-maxOutput);
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    const kill = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL'); // the group is already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    signal.addEventListener('abort', kill, { once: true });
    const finish = (exitCode: number | null) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', kill);
      resolve({ exitCode, output, timedOut });
    };
    child.once('error', (err) => {
      output += `\n${err.message}`;
      finish(null);
    });
    child.once('close', (code) => finish(code));
  });
}
