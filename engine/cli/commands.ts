import type { Command } from './command';
import { version } from '../version';
import { formatOptions, formatUsage } from './report';

/**
 * Every `plumbline` command, in the order `--help` lists them: its name, help and options here,
 * its code imported only when it runs, so that a command (a hook call most of all: every agent
 * edit pays it) loads just what it needs and not the whole engine.
 */

/** The harnesses `plumbline hook` and `hooks` know, as their help lists them (a unit test holds this to engine/hooks). */
export const hookHarnesses = ['claude-code', 'cline', 'codex', 'copilot', 'cursor', 'gemini', 'kiro'] as const;

export const commands: readonly Command[] = [
  {
    name: 'plans',
    summary: 'read plan files; set a task status, toggle a checkbox, or pick the next task',
    usage: [
      'plans [paths...] [--json] [--check]      list plans, tasks and problems (--check: exit 1 on problems)',
      `       plans [paths...] --check ${formatUsage}   problems as GitHub annotations or SARIF 2.1.0`,
      '       plans set-status FILE ID STATUS [--date YYYY-MM-DD] [--json]',
      '       plans toggle FILE LINE [--json]',
      '       plans next [paths...] [--json]          the highest-priority task that is ready; exit 1 when none is',
    ].join('\n'),
    options: { ...formatOptions, check: { type: 'boolean' }, date: { type: 'string' } },
    run: async (ctx) => (await import('./plans.js')).plans(ctx),
  },
  {
    name: 'check-edit',
    summary: 'check one edit (the file before and after it) for placeholder drops, stubs and broken syntax; exit 1 on findings',
    usage: 'check-edit --before FILE --after FILE [--language ID] [--json]',
    options: { before: { type: 'string' }, after: { type: 'string' }, language: { type: 'string' }, json: { type: 'boolean' } },
    run: async (ctx) => (await import('./guard.js')).checkEdit(ctx),
  },
  {
    name: 'check',
    summary: 'check every file changed since a git revision (default HEAD) the way the guard checks agent edits; exit 1 on findings',
    usage: `check [--base REV] [--json] ${formatUsage}   github: annotations on the changed lines; sarif: SARIF 2.1.0`,
    options: { base: { type: 'string' }, ...formatOptions },
    run: async (ctx) => (await import('./guard.js')).check(ctx),
  },
  {
    name: 'hook',
    summary: "check an agent's edit (and, at the end of its turn, its session's work) from its harness's hooks; refuses a drop in the harness's own form",
    usage: `hook <${hookHarnesses.join('|')}>  (the hook's JSON on stdin)`,
    options: {},
    run: async (ctx) => (await import('./hook.js')).hook(ctx),
  },
  {
    name: 'hooks',
    summary: "connect an agent harness: add Plumbline's hook to its config file (merged, once), or take it out",
    usage: `hooks install|uninstall <${hookHarnesses.join('|')}> [--project|--user] [--agent NAME (kiro)] [--json]`,
    options: { project: { type: 'boolean' }, user: { type: 'boolean' }, agent: { type: 'string' }, json: { type: 'boolean' } },
    run: async (ctx) => (await import('./hooks.js')).hooks(ctx),
  },
  {
    name: 'trace-codes',
    summary: 'find trace code sites, look a code or log line up, pick a fresh code, keep the registry',
    usage: [
      'trace-codes scan [DIR] [--json] [--check]     every site, duplicates and malformed codes (--check: exit 1 on any)',
      '       trace-codes lookup CODE|LOG-LINE [DIR] [--json]   the sites of 0062, 0062-a9Fz or a log line; exit 1 when none',
      '       trace-codes new [DIR] [--count N] [--json]        fresh codes used nowhere, not even retired in the registry',
      '       trace-codes registry [DIR] [--check] [--json]     write the registry (append-only), or --check the code against it',
      '',
      '  DIR defaults to the current folder. Sites are found by --pattern (repeatable; default "new CustomError" and',
      '  "trace:"), codes follow --format (default [0-9A-Za-z]{4}), the registry is --registry (default trace-codes.json in DIR).',
    ].join('\n'),
    options: {
      json: { type: 'boolean' },
      check: { type: 'boolean' },
      count: { type: 'string' },
      pattern: { type: 'string', multiple: true },
      format: { type: 'string' },
      registry: { type: 'string' },
    },
    run: async (ctx) => (await import('./traceCodes.js')).traceCodes(ctx),
  },
  {
    name: 'run',
    summary: 'run an agent headless against an OpenAI-compatible or Anthropic endpoint; events as JSON lines; exit 0 only when done',
    usage: [
      'run --workspace DIR --prompt TEXT [--task FILE#ID] --base-url URL --model M [--provider openai|anthropic]',
      '           [--approve edits|all|none] [--db FILE] [--allow-command CMD]...',
      '           [--max-steps N] [--max-tokens N] [--max-cost USD] [--price-input USD --price-output USD]',
      '',
      '  The key comes from PLUMBLINE_API_KEY, else OPENAI_API_KEY / ANTHROPIC_API_KEY (none needed for a local server).',
      '  --approve edits (default): edits are kept, commands and protected paths are refused; all: everything is',
      '  approved; none: nothing is. Questions from the agent get "no user" as the answer. Ctrl-C stops the run.',
      '  --price-input/--price-output: dollars per million tokens; with them the run counts its cost and stops',
      '  at --max-cost (default $5). Without them cost is not counted.',
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
      'max-tokens': { type: 'string' },
      'max-cost': { type: 'string' },
      'price-input': { type: 'string' },
      'price-output': { type: 'string' },
      'allow-command': { type: 'string', multiple: true },
      json: { type: 'boolean' },
    },
    run: async (ctx) => (await import('./run.js')).run(ctx),
  },
  {
    name: 'hub',
    summary: 'run the agent hub, or talk to it from a shell: tasks, edits, questions',
    usage: [
      'hub serve [--workspace DIR] [--db FILE]            serve until killed; prints {"port"}',
      '       hub task list|next [--json]',
      '       hub task claim FILE ID [--json]',
      '       hub task set-status FILE ID STATUS [--json]',
      '       hub report-edit FILE (--before B | --new) [--after A] [--json]   exit 1 on findings',
      '       hub ask QUESTION [--json]                   prints the person\'s answer',
      '  client options: --name NAME (default $PLUMBLINE_AGENT_NAME or "shell"), --port PORT',
    ].join('\n'),
    options: {
      workspace: { type: 'string' },
      db: { type: 'string' },
      name: { type: 'string' },
      port: { type: 'string' },
      before: { type: 'string' },
      after: { type: 'string' },
      new: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    run: async (ctx) => (await import('./hub.js')).hub(ctx),
  },
  {
    name: 'mcp',
    summary: 'serve the plans and the edit check to an MCP client over stdio (list_plans, get_task, next_task, set_task_status, toggle_deliverable, check_edit)',
    usage: [
      'mcp [--workspace DIR]',
      '',
      '  DIR defaults to the current directory. stdout carries the MCP protocol; messages go to stderr.',
      '  The server runs until the client closes its stdin.',
    ].join('\n'),
    options: { workspace: { type: 'string' } },
    run: async (ctx) => (await import('./mcp.js')).mcp(ctx),
  },
  {
    name: 'version',
    summary: 'print the version of Plumbline',
    usage: 'version [--json]',
    options: { json: { type: 'boolean' } },
    async run({ values, stdout }) {
      stdout.write(values.json ? `${JSON.stringify({ version })}\n` : `plumbline ${version}\n`);
      return 0;
    },
  },
];
