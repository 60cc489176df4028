import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as z from '../zodMini';
import { writeFileAtomic } from '../fs';
import type { TraceCodeIndex } from './codeIndex';
import { relativeTo } from './scan';

/**
 * The registry file (default trace-codes.json at the workspace root): every code ever assigned,
 * its error key and sites (`path:line`). Append-only: a code that leaves the code base is
 * marked retired and stays in the file, so it is never handed out again and old logs that name
 * it still explain themselves.
 */
export const Registry = z.object({
  format: z.optional(z.string()),
  codes: z.record(
    z.string(),
    z.object({ key: z.optional(z.string()), sites: z.array(z.string()), retired: z.optional(z.boolean()) }),
  ),
});
export type Registry = z.infer<typeof Registry>;

/** Reads the registry; undefined when there is none. Throws a one-line Error when it exists but is not valid. */
export async function readRegistry(file: string): Promise<Registry | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${file}: ${(err as Error).message}`);
  }
  return parseRegistry(text, file);
}

export function parseRegistry(text: string, file: string): Registry {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message.replace(/\s*\n\s*/g, ' ')}); fix or remove it: Plumbline never overwrites a registry it cannot read`);
  }
  const parsed = Registry.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file} is not a trace code registry (${issue.path.join('.') || 'root'}: ${issue.message}); fix or remove it: Plumbline never overwrites a registry it cannot read`);
  }
  return parsed.data;
}

/** Codes a fresh code must avoid: everything the registry has ever recorded. */
export function registeredCodes(registry: Registry | undefined): string[] {
  return registry ? Object.keys(registry.codes) : [];
}

export function retiredCodes(registry: Registry | undefined): Set<string> {
  return new Set(registry ? Object.entries(registry.codes).filter(([, e]) => e.retired).map(([c]) => c) : []);
}

export interface RegistryUpdate {
  registry: Registry;
  added: string[];
  /** Codes retired by this update (gone from the code base since the last one). */
  retired: string[];
}

/** The registry after recording the workspace's current sites (only well-formed codes are recorded). */
export function updateRegistry(previous: Registry | undefined, index: TraceCodeIndex, root: string): RegistryUpdate {
  const codes: Registry['codes'] = {};
  const added: string[] = [];
  const retired: string[] = [];
  const current = new Set(index.codes().filter((c) => index.config.isWellFormed(c)));
  for (const code of current) {
    const sites = index.sitesOf(code);
    const before = previous?.codes[code];
    if (!before) added.push(code);
    codes[code] = {
      key: sites.find((s) => s.site.key)?.site.key ?? before?.key,
      sites: sites.map((s) => `${relativeTo(root, s.file)}:${s.site.line + 1}`),
      ...(before?.retired ? { retired: true } : {}),
    };
  }
  for (const [code, entry] of Object.entries(previous?.codes ?? {})) {
    if (current.has(code)) continue;
    if (!entry.retired) retired.push(code);
    codes[code] = { ...entry, retired: true };
  }
  const sorted = Object.fromEntries(Object.keys(codes).sort().map((c) => [c, codes[c]]));
  return { registry: { format: index.config.format, codes: sorted }, added: added.sort(), retired: retired.sort() };
}

export async function writeRegistry(file: string, registry: Registry): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(registry, null, 2)}\n`);
}

export interface RegistryProblem {
  code: string;
  problem: 'unregistered' | 'retired' | 'duplicate' | 'malformed' | 'missing';
  sites: string[];
  message: string;
}

/** What CI checks against the registry: every site has a registered, live, unique, well-formed code. */
export function checkRegistry(registry: Registry | undefined, index: TraceCodeIndex, root: string, registryName: string): RegistryProblem[] {
  const problems: RegistryProblem[] = [];
  const where = (code: string) => index.sitesOf(code).map((s) => `${relativeTo(root, s.file)}:${s.site.line + 1}`);
  if (index.sitesOf('').length) {
    problems.push({ code: '', problem: 'missing', sites: where(''), message: `${index.sitesOf('').length} site(s) have no trace code` });
  }
  for (const code of index.codes().sort()) {
    const sites = where(code);
    const entry = registry?.codes[code];
    if (!index.config.isWellFormed(code)) {
      problems.push({ code, problem: 'malformed', sites, message: `"${code}" does not match the format ${index.config.format}` });
      continue;
    }
    if (!entry) problems.push({ code, problem: 'unregistered', sites, message: `"${code}" is not in ${registryName}: run \`plumbline trace-codes registry\`` });
    else if (entry.retired) problems.push({ code, problem: 'retired', sites, message: `"${code}" was retired; a retired code is never reused` });
    if (sites.length > 1) problems.push({ code, problem: 'duplicate', sites, message: `"${code}" is used at ${sites.length} sites` });
  }
  return problems;
}

export function registryPath(root: string, name: string): string {
  return path.isAbsolute(name) ? name : path.join(root, name);
}
