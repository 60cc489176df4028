import { realpath } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { isWithin } from '../fs';

/**
 * Paths an agent may never write without a person's explicit approval (SPEC §4): editor and
 * workspace settings, VCS internals, secrets, other agents' configuration and Plumbline's own.
 */
export const protectedGlobs = [
  // The editor's and the workspace's settings (tasks.json and launch.json run programs).
  '.vscode/**',
  '**/*.code-workspace',
  '.devcontainer/**',
  // Version control: a repository's config and hooks run programs (core.fsmonitor, core.pager,
  // hooks), in any folder and as a `.git` file pointing elsewhere (gitdir:).
  '**/.git',
  '**/.git/**',
  '.husky/**',
  // CI runs with the repository's secrets.
  '.github/workflows/**',
  // Secrets.
  '**/.env',
  '**/.env*',
  '**/.envrc',
  // Other agents' configuration, instructions and MCP servers (which run programs).
  '.cursor/**',
  '.cursorrules',
  '.claude/**',
  '.mcp.json',
  '.roo/**',
  '.roomodes',
  '.clinerules',
  '.clinerules/**',
  '.continue/**',
  '.windsurf/**',
  '.windsurfrules',
  '.gemini/**',
  '.codex/**',
  '.kiro/settings/**',
  '.kiro/steering/**',
  '.kiro/hooks/**',
  '.github/copilot-instructions.md',
  '.github/instructions/**',
  '**/AGENTS.md',
  '**/CLAUDE.md',
  '**/GEMINI.md',
  // Plumbline's own.
  '.plumbline/**',
  'trace-codes.json',
];

/**
 * Protected folders whose plan files the plan tools may still edit (a task's status, a checkbox):
 * Cursor keeps its plans in `.cursor/plans/`. Any other write there needs approval.
 */
export const planFolderGlobs = ['.cursor/plans/**'];

/** Thrown when a path leaves the workspace: the message goes back to the model as the tool's error. */
export class PathError extends Error {
  override name = 'PathError';
}

export interface ResolvedPath {
  /** Absolute, symlinks resolved (as far as the path exists). */
  absolute: string;
  /** Relative to the workspace root, forward slashes: what the model and the person see. */
  relative: string;
  /** Protected by any of its names: the one the model used, or the real one behind links. */
  isProtected: boolean;
  /** A plan folder (planFolderGlobs) by every one of its protected names: plan tools may edit it. */
  isPlanFolder: boolean;
}

/**
 * The folder an agent works in. Every path a model names goes through `resolve`: relative to
 * the root, symlinks resolved (for a file that does not exist yet, its nearest existing parent),
 * and refused unless the result is still inside the root's real path.
 */
export class Workspace {
  private readonly isProtectedPath: (relative: string) => boolean;
  private readonly isPlanFolderPath = picomatch(planFolderGlobs, { dot: true, nocase: true });
  private readonly realRootPath: Promise<string>;

  constructor(
    readonly root: string,
    extraProtected: string[] = [],
  ) {
    this.realRootPath = realpath(root);
    this.realRootPath.catch(() => undefined); // reported by resolve, when it is used
    this.isProtectedPath = picomatch([...protectedGlobs, ...extraProtected], { dot: true, nocase: true });
  }

  /** The root's real path (links resolved): what confinement compares with. */
  realRoot(): Promise<string> {
    return this.realRootPath;
  }

  async resolve(requested: string): Promise<ResolvedPath> {
    if (typeof requested !== 'string' || requested.trim() === '') throw new PathError('the path is empty');
    if (requested.includes('\0')) throw new PathError('the path contains a NUL character');
    const root = await this.realRootPath.catch(() => {
      throw new PathError(`the workspace folder ${this.root} cannot be read`);
    });
    const lexical = path.resolve(root, requested);
    const absolute = await realpathOfNearest(lexical);
    if (!isWithin(root, absolute)) {
      throw new PathError(`"${requested}" is outside the workspace${absolute !== lexical ? ' (through a symbolic link)' : ''}; only files under the workspace folder can be used`);
    }
    const relative = path.relative(root, absolute).split(path.sep).join('/');
    // Every name of the file counts: the one asked for (a link called AGENTS.md is still
    // AGENTS.md to the tools that read it) and the real one (a link to .vscode/settings.json).
    const names = [...new Set([lexicalName(root, lexical), lexicalName(this.root, path.resolve(this.root, requested)), relative])].filter((name): name is string => name !== undefined && name !== '');
    const guarded = names.filter((name) => this.isProtectedPath(name));
    return { absolute, relative: relative || '.', isProtected: guarded.length > 0, isPlanFolder: guarded.length > 0 && guarded.every((name) => this.isPlanFolderPath(name)) };
  }
}

/** A path's name relative to the root as written (normalized, forward slashes, NFC), or undefined when it is not under it. */
function lexicalName(root: string, lexical: string): string | undefined {
  const relative = path.relative(root, lexical);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep).join('/').normalize('NFC');
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
