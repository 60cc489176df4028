import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Guard, languageOfFile } from '../guard';
import { AgentEngine } from '../agent/engine';
import { execCommand } from '../agent/exec';
import type { ProviderConfig } from '../agent/model';
import { filePlanAccess } from '../agent/plans';
import { createProvider } from '../agent/providers';
import { recordRun } from '../agent/recorder';
import type { RunEvent, RunLimits } from '../agent/run';
import { agentTools } from '../agent/tools';
import { Workspace } from '../agent/workspace';
import { streamLogger } from '../log';
import { Store } from '../store';
import { CliError, UsageError, type CommandContext } from './command';

const approvals = ['edits', 'all', 'none'] as const;

/** `plumbline run`: an agent run without VS Code, events as JSON lines, the result last (SPEC §7). */
export async function run(ctx: CommandContext): Promise<number> {
  if (ctx.positionals.length) throw new UsageError(`unexpected argument "${ctx.positionals[0]}"`);
  const v = ctx.values as Record<string, string | string[] | boolean | undefined>;
  if (!v.workspace) throw new UsageError('run needs --workspace DIR');
  if (!v.prompt && !v.task) throw new UsageError('run needs --prompt TEXT (or --task FILE#ID)');
  if (!v.model) throw new UsageError('run needs --model M');
  const kind = (v.provider as string | undefined) ?? 'openai';
  if (kind !== 'openai' && kind !== 'anthropic') throw new UsageError(`--provider must be openai or anthropic, not "${kind}"`);
  if (!v['base-url'] && kind === 'openai') throw new UsageError('run needs --base-url URL (e.g. http://localhost:11434/v1 for Ollama)');
  const approve = (v.approve as string | undefined) ?? 'edits';
  if (!(approvals as readonly string[]).includes(approve)) throw new UsageError(`--approve must be edits, all or none, not "${approve}"`);
  const limits: Partial<RunLimits> = {
    maxSteps: numberOption(v, 'max-steps', 'whole'),
    maxTokens: numberOption(v, 'max-tokens', 'whole'),
    maxCost: numberOption(v, 'max-cost', 'positive'),
  };
  const priceInput = numberOption(v, 'price-input', 'price');
  const priceOutput = numberOption(v, 'price-output', 'price');
  if ((priceInput === undefined) !== (priceOutput === undefined)) throw new UsageError('--price-input and --price-output go together');
  const pricing = priceInput === undefined || priceOutput === undefined ? undefined : { input: priceInput, output: priceOutput };
  let task: { file: string; id: string } | undefined;
  if (v.task) {
    const [file, id] = String(v.task).split('#');
    if (!file || !id) throw new UsageError('--task must look like FILE#ID, e.g. plans/tasks.md#T003');
    task = { file, id };
  }

  const root = path.resolve(ctx.cwd, String(v.workspace));
  if (!(await stat(root).catch(() => undefined))?.isDirectory()) throw new CliError(`--workspace ${String(v.workspace)}: no such folder`);
  const apiKey = process.env.PLUMBLINE_API_KEY ?? (kind === 'openai' ? process.env.OPENAI_API_KEY : process.env.ANTHROPIC_API_KEY) ?? '';
  const config: ProviderConfig = { kind, baseUrl: v['base-url'] as string | undefined, model: String(v.model), apiKey };
  const provider = createProvider(config);
  // A database that is read-only, or was corrupt and moved aside, is reported on stderr (with where it went).
  const store = v.db ? await Store.open(path.resolve(ctx.cwd, String(v.db)), { log: streamLogger(ctx.stderr) }) : undefined;
  const workspace = new Workspace(root);
  const plans = filePlanAccess(workspace);
  const guard = new Guard();
  const engine = new AgentEngine();
  const prompt = String(v.prompt ?? `Work on task ${task!.id} of ${task!.file}.`);
  const print = (event: RunEvent) => ctx.stdout.write(`${JSON.stringify(event)}\n`);
  const runId = randomUUID();
  const record = store ? recordRun(store, { id: runId, agentId: 'cli', agentName: 'plumbline run', prompt, provider: provider.id, model: config.model, task }) : undefined;
  const { run, result } = engine.start(
    'cli',
    // --approve none is a dry run: not even the task's status is written.
    { id: runId, prompt, task, trackTask: approve !== 'none', provider, model: config.model, tools: agentTools, limits, pricing },
    {
      workspace,
      plans,
      guard: (file, before, after) => guard.checkEdit(before, after, languageOfFile(file)),
      approve: async () => approve === 'all',
      ask: async () => '(no user: this is a headless run; decide yourself, or finish with success false)',
      exec: async (command, cwd, timeoutMs, signal) => execCommand(command, cwd, timeoutMs, signal, { workspaceRoot: await workspace.realRoot(), secrets: [apiKey] }),
      emit: (event) => {
        print(event);
        record?.(event);
      },
      autoApproveEdits: approve !== 'none',
      allowedCommands: (v['allow-command'] as string[] | undefined) ?? [],
    },
  );
  const onSignal = () => run.stop('interrupted');
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const outcome = await result;
    return outcome.state === 'done' ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await store?.close();
  }
}

const numberKinds = {
  whole: { valid: (n: number) => Number.isInteger(n) && n >= 1, says: 'a whole number, 1 or more' },
  positive: { valid: (n: number) => n > 0, says: 'a number above 0' },
  price: { valid: (n: number) => n >= 0, says: 'a number, 0 or more (dollars per million tokens)' },
};

function numberOption(values: Record<string, unknown>, name: string, kind: keyof typeof numberKinds): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (String(raw).trim() === '' || !Number.isFinite(n) || !numberKinds[kind].valid(n)) throw new UsageError(`--${name} must be ${numberKinds[kind].says}, not "${String(raw)}"`);
  return n;
}
