import { harnesses, harnessNamed, checkHook } from '../hooks';
import { UsageError, type CommandContext } from './command';

/**
 * `plumbline hook <harness>`: the command an agent harness's hooks run (before an edit, at the end of a turn). It reads the
 * hook's JSON on stdin and answers in the harness's form (see engine/hooks).
 */
export async function hook(ctx: CommandContext): Promise<number> {
  const [name, ...extra] = ctx.positionals;
  const harness = name ? harnessNamed(name) : undefined;
  if (!harness) throw new UsageError(`hook needs a harness: ${harnesses.map((h) => h.name).join(', ')}`);
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const answer = await checkHook(harness, await readAll(ctx.stdin));
  if (answer.stdout) ctx.stdout.write(answer.stdout);
  if (answer.stderr) ctx.stderr.write(answer.stderr);
  return answer.exitCode;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
