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
import type { RunEvent } from '../agent/run';
import { agentTools } from '../agent/tools';
import { Workspace } from '../agent/workspace';
import { Store } from '../store';
import { CliError, UsageError, type Command } from './command';

const approvals = ['edits', 'all', 'none'] as const;

/** `plumbline run`: an agent run without VS Code, events as JSON lines, the result last (SPEC §7). */
export const runCommand: Command = {
  name: 'run',
  summary: 'run an agent headless against an OpenAI-compatible or Anthropic endpoint; events as JSON lines; exit 0 only when done',
  usage: [
    'run --workspace DIR --prompt TEXT [--task FILE#ID] --base-url URL --model M [--provider openai|anthropic]',
    '           [--approve edits|all|none] [--db FILE] [--max-steps N] [--allow-command CMD]...',
    '',
    '  The key comes from PLUMBLINE_API_KEY, else OPENAI_API_KEY / ANTHROPIC_API_KEY (none needed for a local server).',
    '  --approve edits (default): edits are kept, commands and protected paths are refused; all: everything is',
    '  approved; none: nothing is. Questions from the agent get "no user" as the answer. Ctrl-C stops the run.',
  ].join('\n'),
  options: {
    workspace: { type: 'string' },
    prompt: { type: 'string' },
    task: { type: 'string' },
    provider: { type: 'string' },
    'base-url': { type: 'string' },
    model: { type: 'string' },
    approve: { type: 'string' },
    db: { type: 'string' },
    'max-steps': { type: 'string' },
    'allow-command': { type: 'string', multiple: true },
    json: { type: 'boolean' },
  },
  async run(ctx) {
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
    const maxSteps = v['max-steps'] === undefined ? undefined : Number(v['max-steps']);
    if (maxSteps !== undefined && (!Number.isInteger(maxSteps) || maxSteps < 1)) throw new UsageError('--max-steps must be a whole number, 1 or more');
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
    const store = v.db ? await Store.open(path.resolve(ctx.cwd, String(v.db))) : undefined;
    if (store?.readOnly) ctx.stderr.write(`plumbline: ${store.readOnly.reason}; the run is not recorded\n`);
    const workspace = new Workspace(root);
    const plans = filePlanAccess(root);
    const guard = new Guard();
    const engine = new AgentEngine();
    const prompt = String(v.prompt ?? `Work on task ${task!.id} of ${task!.file}.`);
    const print = (event: RunEvent) => ctx.stdout.write(`${JSON.stringify(event)}\n`);
    const runId = randomUUID();
    const record = store ? recordRun(store, { id: runId, agentId: 'cli', agentName: 'plumbline run', prompt, provider: provider.id, model: config.model, task }) : undefined;
    const { run, result } = engine.start(
      'cli',
      { id: runId, prompt, task, provider, model: config.model, tools: agentTools, limits: maxSteps ? { maxSteps } : undefined },
      {
        workspace,
        plans,
        guard: (file, before, after) => guard.checkEdit(before, after, languageOfFile(file)),
        approve: async () => approve === 'all',
        ask: async () => '(no user: this is a headless run; decide yourself, or finish with success false)',
        exec: (command, cwd, timeoutMs, signal) => execCommand(command, cwd, timeoutMs, signal),
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
  },
};
