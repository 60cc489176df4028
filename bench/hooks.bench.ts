import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchRow } from './main';
import { versusBareNode } from './stats';

/**
 * Issue 14: one `plumbline hook claude-code` call, as Claude Code makes it before an edit of a
 * 2,000-line file (a clean edit: the common case), as a whole process, next to bare `node -e 0`
 * in the same run. Every edit an agent makes pays this.
 */
export async function run(): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'plumbline-bench-hook-'));
  try {
    const lines = ['export class Handlers {'];
    for (let i = 0; lines.length < 2000; i++) lines.push(`  handle${i}(input: number): number {`, `    return input * ${i} + ${i % 7};`, '  }', '');
    lines.push('}', '');
    const file = path.join(dir, 'handlers.ts');
    writeFileSync(file, lines.join('\n'));
    const payload = JSON.stringify({
      session_id: 'bench',
      transcript_path: path.join(dir, 't.jsonl'),
      cwd: dir,
      hook_event_name: 'PreToolUse',
      tool_name: 'Edit',
      tool_input: { file_path: file, old_string: '    return input * 500 + 3;', new_string: '    return input * 500 + 4;' },
    });
    // HOME in the bench's folder: the hook's session record is not the person's.
    const hook = versusBareNode([path.resolve('dist/cli.js'), 'hook', 'claude-code'], { input: payload, env: { ...process.env, HOME: dir } });
    return [
      {
        name: `one hook call (claude-code, clean Edit of a 2,000-line file): ${hook.command.toFixed(0)} ms vs node -e 0 ${hook.node.toFixed(0)} ms (median of 10)`,
        value: hook.ratio,
        unit: '× node',
        target: '≤ 2.5 × node',
        ok: hook.ratio <= 2.5,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
