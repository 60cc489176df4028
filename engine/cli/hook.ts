import { harnesses, harnessNamed, checkHook } from '../hooks';
import { UsageError, type Command } from './command';

/**
 * `plumbline hook <harness>`: the command an agent harness's pre-edit hook runs. It reads the
 * hook's JSON on stdin and answers in the harness's form (see engine/hooks).
 */
export const hookCommand: Command = {
  name: 'hook',
  summary: `check an agent's edit from its harness's pre-edit hook (${harnesses.map((h) => h.name).join(', ')}); refuses a drop in the harness's own form`,
  usage: `hook <${harnesses.map((h) => h.name).join('|')}>  (the hook's JSON on stdin)`,
  options: {},
  async run(ctx) {
    const [name, ...extra] = ctx.positionals;
    const harness = name ? harnessNamed(name) : undefined;
    if (!harness) throw new UsageError(`hook needs a harness: ${harnesses.map((h) => h.name).join(', ')}`);
    if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const answer = await checkHook(harness, await readAll(ctx.stdin));
    if (answer.stdout) ctx.stdout.write(answer.stdout);
    if (answer.stderr) ctx.stderr.write(answer.stderr);
    return answer.exitCode;
  },
};

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
