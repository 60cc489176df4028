import { createHash } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as z from '../zodMini';
import { writeFileAtomic } from '../fs';
import { plumblineHome } from '../home';

/** A session nobody has heard from in this long is forgotten. */
const FORGET_AFTER_MS = 7 * 24 * 3600_000;

const Baseline = z.object({ file: z.string(), before: z.nullable(z.string()) });
export type Baseline = z.infer<typeof Baseline>;

/**
 * What one agent session's hooks remember between calls (each call is its own process): the
 * text of every file the session changed as it was before the session's first edit to it, so
 * that the stop hook can check the session's work as a whole. Kept in
 * `~/.plumbline/hooks/<id>/`, one folder per harness, workspace and session (folder 0700,
 * files 0600): never in the workspace, where it would show up in the person's git status.
 */
export class HookSession {
  private constructor(readonly dir: string) {}

  static of(harness: string, cwd: string, session: string | undefined): HookSession {
    const id = createHash('sha256').update(`${harness}\0${cwd}\0${session ?? ''}`).digest('hex').slice(0, 32);
    return new HookSession(path.join(sessionsDir(), id));
  }

  /**
   * The file's text before the session first changed it. The first call wins: parallel tool
   * calls of one session race here, and O_EXCL lets exactly one of them write.
   */
  async remember(file: string, before: string | null): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await chmod(path.dirname(this.dir), 0o700).catch(() => undefined);
    const name = `${createHash('sha256').update(file).digest('hex').slice(0, 32)}.json`;
    await writeFile(path.join(this.dir, name), JSON.stringify({ file, before } satisfies Baseline), { flag: 'wx', mode: 0o600 }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }

  /** Every file the session changed, with its text before. A record that does not parse is skipped. */
  async baselines(): Promise<Baseline[]> {
    const found: Baseline[] = [];
    for (const name of await readdir(this.dir).catch(() => [] as string[])) {
      if (!name.endsWith('.json')) continue;
      try {
        const parsed = Baseline.safeParse(JSON.parse(await readFile(path.join(this.dir, name), 'utf8')));
        if (parsed.success) found.push(parsed.data);
      } catch {
        // A record cut short by a crash: that file is not checked at the stop.
      }
    }
    return found.sort((a, b) => a.file.localeCompare(b.file));
  }

  /** How many times the stop hook has already sent the agent back in this turn; counts this one. */
  async countReminder(): Promise<number> {
    const file = path.join(this.dir, 'reminders');
    const count = Number(await readFile(file, 'utf8').catch(() => '0')) + 1;
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(file, String(count), { mode: 0o600 });
    return count;
  }

  /** The turn ended: its edits are the new baseline of the next one. */
  async end(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

function sessionsDir(): string {
  return path.join(plumblineHome(), 'hooks');
}

/** Sessions that ended without a stop hook (the harness has none, or it was killed) go after a week. */
export async function forgetOldSessions(now = Date.now()): Promise<void> {
  const dir = sessionsDir();
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const folder = path.join(dir, name);
    const info = await stat(folder).catch(() => undefined);
    if (info?.isDirectory() && now - info.mtimeMs > FORGET_AFTER_MS) await rm(folder, { recursive: true, force: true });
  }
}
