import { execFile } from 'node:child_process';
import { describeFsError, readRegularFile } from '../fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Guard, knownLanguage, languageOfFile, violationJson, type Violation, type ViolationKind } from '../guard';
import { severityOf } from '../guard/model';
import { CliError, UsageError, type CommandContext } from './command';
import { humanLine, outputFormat, render, type Annotation, type Rule } from './report';

const run = promisify(execFile);

const kindRules: Record<ViolationKind, Pick<Rule, 'description' | 'help'>> = {
  'placeholder-dropped': {
    description: 'Code removed and replaced by a comment that stands for it (`// ... rest unchanged`)',
    help: 'Put the dropped code back: write it out in full instead of a comment that stands for it.',
  },
  'incomplete-code': {
    description: 'Code added as a stub: an emptied body, `throw new Error("Not implemented")`, `TODO: implement`',
    help: 'Write the implementation, or keep the code that was there.',
  },
  'malformed-syntax': {
    description: 'A file that parsed before the change and no longer does',
    help: 'Complete the cut-off construct (brackets, a statement) so the file parses again.',
  },
};
const guardRules: Rule[] = (Object.keys(kindRules) as ViolationKind[]).map((id) => ({ id, ...kindRules[id], severity: severityOf[id] }));

function annotation(file: string, v: Violation): Annotation {
  return {
    file,
    line: v.line + 1,
    endLine: v.endLine + 1,
    severity: v.severity,
    rule: v.kind,
    message: v.message,
    snippet: v.text,
    dropped: v.removedLines.length ? v.removedLines : undefined,
    droppedFrom: v.removedFrom === undefined ? undefined : v.removedFrom + 1,
  };
}

async function readText(file: string, what: string): Promise<string> {
  try {
    return (await readRegularFile(file)).toString('utf8');
  } catch (err) {
    throw new CliError(`${what} ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : describeFsError(err)}`);
  }
}

/** --language: a language the guard knows (never a silent fallback to plain text). */
function languageOption(name: string) {
  try {
    return knownLanguage(name);
  } catch (err) {
    throw new UsageError(`--language: ${(err as Error).message}`);
  }
}

/** `plumbline check-edit --before A --after B [--language L]`: guard one edit (SPEC §7). */
export async function checkEdit(ctx: CommandContext): Promise<number> {
  const beforeFile = ctx.values.before as string | undefined;
  const afterFile = ctx.values.after as string | undefined;
  if (!beforeFile || !afterFile) throw new UsageError('check-edit needs --before FILE and --after FILE');
  if (ctx.positionals.length) throw new UsageError(`unexpected argument "${ctx.positionals[0]}"`);
  const [before, after] = await Promise.all([
    readText(path.resolve(ctx.cwd, beforeFile), '--before'),
    readText(path.resolve(ctx.cwd, afterFile), '--after'),
  ]);
  const language = ctx.values.language ? languageOption(ctx.values.language as string) : languageOfFile(afterFile);
  const violations = await new Guard().checkEdit(before, after, language);
  if (ctx.values.json) ctx.stdout.write(`${JSON.stringify({ violations: violations.map(violationJson) })}\n`);
  else if (violations.length) ctx.stdout.write(violations.map((v) => `${humanLine(annotation(afterFile, v))}\n`).join(''));
  else ctx.stdout.write('no violations\n');
  return violations.length ? 1 : 0;
}

/**
 * The files of `git diff --name-status -z`, each with its path in the base: a file an agent
 * moved is checked against what it was, not as new (where a cut would go unseen).
 */
function changedSince(nameStatus: string): Map<string, string> {
  const fields = nameStatus.split('\0');
  const files = new Map<string, string>();
  for (let i = 0; i < fields.length - 1; ) {
    const renamed = fields[i].startsWith('R');
    const [from, to] = renamed ? [fields[i + 1], fields[i + 2]] : [fields[i + 1], fields[i + 1]];
    files.set(to, from);
    i += renamed ? 3 : 2;
  }
  return files;
}

/** `plumbline check [--base REV]`: guard every file changed since a git revision (CI mode). */
export async function check(ctx: CommandContext): Promise<number> {
  if (ctx.positionals.length) throw new UsageError(`unexpected argument "${ctx.positionals[0]}"`);
  const format = outputFormat(ctx.values);
  const base = (ctx.values.base as string | undefined) ?? 'HEAD';
  const git = async (...args: string[]) => {
    try {
      return (await run('git', args, { cwd: ctx.cwd, maxBuffer: 256 * 1024 * 1024, timeout: 60_000 })).stdout;
    } catch (err) {
      const stderr = (err as { stderr?: string }).stderr?.trim().split('\n')[0];
      throw new CliError(`git ${args[0]} failed: ${stderr || String(err)}`);
    }
  };
  const root = (await git('rev-parse', '--show-toplevel')).trim();
  await git('rev-parse', '--verify', '--quiet', `${base}^{commit}`).catch(() => {
    throw new CliError(`unknown revision "${base}": not a commit, branch or tag of this repository`);
  });
  // Paths relative to the root (git diff's default), and untracked files too: agents create files.
  const basePaths = changedSince(await git('diff', '--name-status', '-M', '--diff-filter=AMR', '-z', base, '--'));
  const untracked = (await git('-C', root, 'ls-files', '--others', '--exclude-standard', '-z')).split('\0').filter(Boolean);
  for (const file of untracked) if (!basePaths.has(file)) basePaths.set(file, file);
  const changed = [...basePaths.keys()].sort();
  const guard = new Guard();
  const files: { file: string; violations: Violation[] }[] = [];
  for (const file of changed) {
    const after = await readRegularFile(path.join(root, file)).then((b) => b.toString('utf8'), () => undefined);
    if (after === undefined) continue; // deleted in the working tree since
    const before = await git('show', `${base}:${basePaths.get(file)}`).catch(() => '');
    const violations = await guard.checkEdit(before, after, languageOfFile(file));
    files.push({ file, violations });
  }
  const found = files.filter((f) => f.violations.length);
  if (format === 'json') {
    ctx.stdout.write(`${JSON.stringify({ files: files.map((f) => ({ file: f.file, violations: f.violations.map(violationJson) })) })}\n`);
  } else {
    const annotations = found.flatMap((f) => f.violations.map((v) => annotation(f.file, v)));
    const summary = `${files.length} file(s) checked against ${base}, ${found.length} with findings`;
    ctx.stdout.write(render(format, { annotations, rules: guardRules, summary }));
  }
  return found.length ? 1 : 0;
}
