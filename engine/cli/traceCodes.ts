import { statSync } from 'node:fs';
import path from 'node:path';
import {
  checkRegistry,
  codesInQuery,
  freshCodes,
  readRegistry,
  registeredCodes,
  registryPath,
  relativeTo,
  retiredCodes,
  scanReport,
  scanTreeParallel,
  siteTextsOf,
  traceCodeConfig,
  updateRegistry,
  writeRegistry,
  type ScanResult,
  type TraceCodeConfig,
} from '../tracecodes';
import { CliError, UsageError, type CommandContext } from './command';

/** `plumbline trace-codes ...`: scan, lookup, new, registry (SPEC §3, §7). */
export async function traceCodes(ctx: CommandContext): Promise<number> {
  const [sub, ...rest] = ctx.positionals;
  if (sub === 'scan') return runScan(ctx, rest);
  if (sub === 'lookup') return runLookup(ctx, rest);
  if (sub === 'new') return runNew(ctx, rest);
  if (sub === 'registry') return runRegistry(ctx, rest);
  throw new UsageError(sub ? `unknown trace-codes command "${sub}" (scan, lookup, new, registry)` : 'trace-codes needs a command: scan, lookup, new or registry');
}

function configOf(ctx: CommandContext): TraceCodeConfig {
  try {
    return traceCodeConfig({
      patterns: ctx.values.pattern as string[] | undefined,
      format: ctx.values.format as string | undefined,
      registry: ctx.values.registry as string | undefined,
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

async function scanDir(ctx: CommandContext, args: string[], most: number) {
  if (args.length > most) throw new UsageError(`unexpected argument "${args[most]}"`);
  const root = path.resolve(ctx.cwd, args[0] ?? '.');
  const config = configOf(ctx);
  const result = await scanTreeParallel([root], config);
  failuresOf(ctx, root, args, result.failures);
  // Given one file, paths are shown relative to its folder (relative to the file itself they would be empty).
  return { root: result.files === 1 && result.index.files()[0] === root ? path.dirname(root) : root, config, ...result };
}

/** A root that cannot be read fails the command; a file that cannot be read is named on stderr. */
function failuresOf(ctx: CommandContext, root: string, args: string[], failures: ScanResult['failures']): void {
  const unread = failures.find((f) => f.file === root);
  if (unread) throw new CliError(`${args[0] ?? '.'}: ${unread.error}`);
  for (const failure of failures) ctx.stderr.write(`plumbline: ${failure.file}: ${failure.error}\n`);
}

async function runScan(ctx: CommandContext, args: string[]): Promise<number> {
  if (args.length > 1) throw new UsageError(`unexpected argument "${args[1]}"`);
  const root = path.resolve(ctx.cwd, args[0] ?? '.');
  let isFile = false;
  try {
    isFile = statSync(root).isFile();
  } catch {
    // The scan reports a root it cannot read, as for the other commands.
  }
  const report = await scanReport(root, isFile ? path.dirname(root) : root, configOf(ctx), ctx.values.json ? 'json' : 'lines');
  failuresOf(ctx, root, args, report.failures);
  ctx.stdout.write(report.text);
  return ctx.values.check && report.problems ? 1 : 0;
}

async function runLookup(ctx: CommandContext, args: string[]): Promise<number> {
  const [query, ...dir] = args;
  if (!query) throw new UsageError('trace-codes lookup needs a code, a runtime code (0062-a9Fz) or a log line');
  const { root, config, index } = await scanDir(ctx, dir, 1);
  const candidates = codesInQuery(query, config);
  const code = candidates.find((c) => index.sitesOf(c).length) ?? candidates[0] ?? query.trim();
  const sites = index.sitesOf(code);
  if (ctx.values.json) ctx.stdout.write(`{"code":${JSON.stringify(code)},"sites":[${siteTextsOf(sites, root, 'json').join(',')}]}\n`);
  else if (sites.length) ctx.stdout.write(`${siteTextsOf(sites, root, 'lines').join('\n')}\n`);
  else ctx.stderr.write(`plumbline: no site of ${candidates.length ? candidates.join(', ') : `"${query.trim()}"`} under ${args[1] ?? '.'}\n`);
  return sites.length ? 0 : 1;
}

async function registryOf(root: string, config: TraceCodeConfig) {
  const file = registryPath(root, config.registry);
  try {
    return { file, registry: await readRegistry(file) };
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

async function runNew(ctx: CommandContext, args: string[]): Promise<number> {
  const countText = (ctx.values.count as string | undefined) ?? '1';
  const count = Number(countText);
  if (!Number.isInteger(count) || count < 1 || count > 10_000) throw new UsageError(`--count must be a whole number from 1 to 10000, not "${countText}"`);
  const { root, config, index } = await scanDir(ctx, args, 1);
  const { registry } = await registryOf(root, config);
  let codes: string[];
  try {
    codes = freshCodes(config, [...index.codes(), ...registeredCodes(registry)], count);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  ctx.stdout.write(ctx.values.json ? `${JSON.stringify(count === 1 ? { code: codes[0] } : { code: codes[0], codes })}\n` : `${codes.join('\n')}\n`);
  return 0;
}

async function runRegistry(ctx: CommandContext, args: string[]): Promise<number> {
  const { root, config, index } = await scanDir(ctx, args, 1);
  const { file, registry } = await registryOf(root, config);
  index.retired = retiredCodes(registry);
  const shown = relativeTo(ctx.cwd, file);
  if (ctx.values.check) {
    const problems = checkRegistry(registry, index, root, shown);
    if (!registry) problems.unshift({ code: '', problem: 'unregistered', sites: [], message: `${shown} does not exist: run \`plumbline trace-codes registry\`` });
    if (ctx.values.json) ctx.stdout.write(`${JSON.stringify({ registry: shown, problems })}\n`);
    else {
      for (const p of problems) ctx.stdout.write(`${p.problem}: ${p.message}${p.sites.length ? ` (${p.sites.join(', ')})` : ''}\n`);
      ctx.stdout.write(problems.length ? `${problems.length} problem(s) against ${shown}\n` : `every trace code matches ${shown}\n`);
    }
    return problems.length ? 1 : 0;
  }
  const update = updateRegistry(registry, index, root);
  await writeRegistry(file, update.registry);
  const summary = { registry: shown, codes: Object.keys(update.registry.codes).length, added: update.added, retired: update.retired };
  if (ctx.values.json) ctx.stdout.write(`${JSON.stringify(summary)}\n`);
  else ctx.stdout.write(`${shown}: ${summary.codes} code(s), ${update.added.length} added, ${update.retired.length} retired\n`);
  return 0;
}
