import { realpath } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';

/**
 * Paths an agent may never write without a person's explicit approval (SPEC §4): editor and
 * workspace settings, VCS internals, secrets, other agents' configuration and Plumbline's own.
 */
export const protectedGlobs = [
  '.vscode/**',
  '**/*.code-workspace',
  '.git/**',
  '**/.git/**',
  '**/.env',
  '**/.env*',
  '.cursor/**',
  '.claude/**',
  '.roo/**',
  '.clinerules',
  '.clinerules/**',
  '.github/copilot-instructions.md',
  'AGENTS.md',
  'CLAUDE.md',
  '.plumbline/**',
  'trace-codes.json',
];

/** Thrown when a path leaves the workspace: the message goes back to the model as the tool's error. */
export class PathError extends Error {
  override name = 'PathError';
}

export interface ResolvedPath {
  /** Absolute, symlinks resolved (as far as the path exists). */
  absolute: string;
  /** Relative to the workspace root, forward slashes: what the model and the person see. */
  relative: string;
  isProtected: boolean;
}

/**
 * The folder an agent works in. Every path a model names goes through `resolve`: relative to
 * the root, symlinks resolved (for a file that does not exist yet, its nearest existing parent),
 * and refused unless the result is still inside the root's real path.
 */
export class Workspace {
  private readonly isProtectedPath: (relative: string) => boolean;
  private realRoot: Promise<string>;

  constructor(
    readonly root: string,
    extraProtected: string[] = [],
  ) {
    this.realRoot = realpath(root);
    this.isProtectedPath = picomatch([...protectedGlobs, ...extraProtected], { dot: true, nocase: true });
  }

  async resolve(requested: string): Promise<ResolvedPath> {
    if (typeof requested !== 'string' || requested.trim() === '') throw new PathError('the path is empty');
    if (requested.includes('\0')) throw new PathError('the path contains a NUL character');
    const root = await this.realRoot;
    const lexical = path.resolve(root, requested);
    const absolute = await realpathOfNearest(lexical);
    if (absolute !== root && !absolute.startsWith(root + path.sep)) {
      throw new PathError(`"${requested}" is outside the workspace${absolute !== lexical ? ' (through a symbolic link)' : ''}; only files under the workspace folder can be used`);
    }
    const relative = path.relative(root, absolute).split(path.sep).join('/');
    return { absolute, relative: relative || '.', isProtected: relative !== '' && this.isProtectedPath(relative) };
  }
}

/** realpath of a path that may not exist yet: the real path of its nearest existing ancestor, plus the rest. */
async function realpathOfNearest(target: string): Promise<string> {
  let existing = target;
  const rest: string[] = [];
  for (;;) {
    try {
      const real = await realpath(existing);
      return rest.length ? path.join(real, ...rest.reverse()) : real;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new PathError(`cannot resolve "${target}": ${(err as Error).message}`);
      const parent = path.dirname(existing);
      if (parent === existing) return target;
      rest.push(path.basename(existing));
      existing = parent;
    }
  }
}
