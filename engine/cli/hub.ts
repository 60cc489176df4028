import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { AgentEngine } from '../agent/engine';
import { filePlanAccess } from '../agent/plans';
import { recordRun } from '../agent/recorder';
import { Workspace } from '../agent/workspace';
import { Guard, languageOfFile } from '../guard';
import { HubClient, HubError, startHub, type HubRunInfo } from '../hub';
import { streamLogger } from '../log';
import { Ask, ClaimTask, ErrorCode, ListTasks, NextTask, ReportEdit, SetTaskStatus, type HubTask } from '../protocol/hub';
import { SettableStatus } from '../protocol/plans';
import { Store } from '../store';
import { CliError, UsageError, type CommandContext } from './command';

/**
 * `plumbline hub ...` (SPEC §6, §7): `serve` runs the hub without VS Code; the other commands
 * are a client for shell agents, finding the hub through its lock file (PLUMBLINE_HUB_PORT in
 * VS Code's terminals, else the hub of the folder they run in). The agent's name comes from
 * `--name`, else PLUMBLINE_AGENT_NAME, else "shell": it is how Plumbline tells agents apart.
 */
export async function hub(ctx: CommandContext): Promise<number> {
  const [sub, ...rest] = ctx.positionals;
  if (sub === 'serve') return serve(ctx, rest);
  if (sub === 'task') return task(ctx, rest);
  if (sub === 'report-edit') return reportEdit(ctx, rest);
  if (sub === 'ask') return ask(ctx, rest);
  throw new UsageError(sub ? `unknown hub command "${sub}"` : 'hub needs a command: serve, task, report-edit or ask');
}

async function serve(ctx: CommandContext, rest: string[]): Promise<number> {
  if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
  const root = path.resolve(ctx.cwd, String(ctx.values.workspace ?? '.'));
  if (!(await stat(root).catch(() => undefined))?.isDirectory()) throw new CliError(`--workspace ${String(ctx.values.workspace)}: no such folder`);
  const log = streamLogger(ctx.stderr);
  // A database that is read-only, or was corrupt and moved aside, is reported on stderr (with where it went).
  const store = ctx.values.db ? await Store.open(path.resolve(ctx.cwd, String(ctx.values.db)), { log }) : undefined;
  const guard = new Guard();
  const workspace = new Workspace(root);
  // Before the lock file exists and the port is printed: a signal right after still cleans up.
  const signalled = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  const running = await startHub({
    workspace,
    plans: filePlanAccess(workspace),
    engine: new AgentEngine(),
    guard: (file, before, after) => guard.checkEdit(before, after, languageOfFile(file.relative)),
    beginRun: (run: HubRunInfo) => {
      log.info(`Hub: ${run.agentName} started a run: ${run.prompt}`);
      const record = store && recordRun(store, { ...run, kind: 'hub', provider: 'hub', model: run.agentName });
      return {
        emit: (event) => {
          record?.(event);
          if (event.type === 'result') log.info(`Hub: ${run.agentName}'s run ended ${String(event.state)}${event.error ? `: ${String(event.error)}` : ''}`);
        },
        ask: () => Promise.reject(new HubError(ErrorCode.timeout, 'no person answers questions on `plumbline hub serve`; decide yourself or ask in VS Code')),
      };
    },
    workspaceFolders: [root],
    log,
  });
  ctx.stdout.write(`${JSON.stringify({ port: running.port })}\n`);
  await signalled;
  await running.close();
  await store?.close();
  return 0;
}

/** Connects as the agent; every hub refusal or lost hub becomes a one-line CLI error. */
async function withClient<T>(ctx: CommandContext, work: (client: HubClient) => Promise<T>): Promise<T> {
  const port = ctx.values.port === undefined ? undefined : Number(ctx.values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65_535)) throw new UsageError(`--port must be a port number, not "${String(ctx.values.port)}"`);
  const name = String(ctx.values.name ?? process.env.PLUMBLINE_AGENT_NAME ?? 'shell');
  let client: HubClient | undefined;
  try {
    client = await HubClient.connect({ name, port, cwd: ctx.cwd });
    return await work(client);
  } catch (err) {
    // The hub's refusals, a missing hub, a lost connection: one line for the person, exit 1.
    if (err instanceof Error && !(err instanceof CliError || err instanceof UsageError)) throw new CliError(err.message);
    throw err;
  } finally {
    await client?.close();
  }
}

function print(ctx: CommandContext, json: unknown, human: string): void {
  ctx.stdout.write(ctx.values.json ? `${JSON.stringify(json)}\n` : `${human}\n`);
}

const taskLine = (t: HubTask) => `${t.file}:${t.line}  ${t.status.padEnd(11)} ${(t.priority ?? '').padEnd(8)} ${t.id}  ${t.title}`;

async function task(ctx: CommandContext, [verb, ...args]: string[]): Promise<number> {
  const expect = (n: number, names: string) => {
    if (args.length !== n) throw new UsageError(`hub task ${verb} needs ${names}`);
  };
  if (verb === 'list') {
    expect(0, 'no arguments');
    const result = await withClient(ctx, (c) => c.request(ListTasks, {}));
    print(ctx, result, result.plans.flatMap((p) => p.tasks.map(taskLine)).join('\n') || 'no tasks');
    return 0;
  }
  if (verb === 'next') {
    expect(0, 'no arguments');
    const result = await withClient(ctx, (c) => c.request(NextTask, {}));
    print(ctx, result, result.task ? taskLine(result.task) : 'no task is ready');
    return result.task ? 0 : 1;
  }
  if (verb === 'claim') {
    expect(2, 'FILE and ID');
    const result = await withClient(ctx, (c) => c.request(ClaimTask, { file: args[0], id: args[1] }));
    print(ctx, result, `claimed: ${taskLine(result.task)}`);
    return 0;
  }
  if (verb === 'set-status') {
    expect(3, 'FILE, ID and STATUS');
    const status = SettableStatus.safeParse(args[2].toLowerCase());
    if (!status.success) throw new UsageError(`STATUS must be one of ${SettableStatus.options.join(', ')}`);
    const result = await withClient(ctx, (c) => c.request(SetTaskStatus, { file: args[0], id: args[1], status: status.data }));
    print(ctx, result, taskLine(result.task));
    return 0;
  }
  throw new UsageError('hub task needs list, next, claim or set-status');
}

async function reportEdit(ctx: CommandContext, args: string[]): Promise<number> {
  if (args.length !== 1) throw new UsageError('hub report-edit needs FILE (and --before B or --new)');
  const file = args[0];
  if (!ctx.values.new && ctx.values.before === undefined) throw new UsageError('give --before FILE (the text before the edit), or --new for a file the agent created');
  const read = async (p: string, what: string) => readFile(path.resolve(ctx.cwd, p), 'utf8').catch(() => {
    throw new CliError(`${what} ${p}: cannot be read`);
  });
  const before = ctx.values.new ? null : await read(String(ctx.values.before), '--before');
  const after = await read(String(ctx.values.after ?? file), ctx.values.after ? '--after' : 'FILE');
  const result = await withClient(ctx, (c) => c.request(ReportEdit, { path: file, before, after }));
  const lines = result.violations.map((v) => `${file}:${v.line}: ${v.severity}: ${v.message} (${v.kind})`);
  if (result.quarantined) lines.push('the agent is quarantined until a person releases it in VS Code');
  print(ctx, result, lines.join('\n') || 'no violations');
  return result.violations.length ? 1 : 0;
}

async function ask(ctx: CommandContext, args: string[]): Promise<number> {
  const question = args.join(' ').trim();
  if (!question) throw new UsageError('hub ask needs a QUESTION');
  const result = await withClient(ctx, (c) => c.request(Ask, { question }));
  print(ctx, result, result.answer);
  return 0;
}
