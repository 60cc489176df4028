import { Guard, guardLanguage, type ViolationKind } from '../engine/guard';
import { editCases } from '../test/fixtures/editCorpus';
import type { BenchRow } from './main';
import { median } from './stats';

/**
 * SPEC §9: guard one agent edit on a 5,000-line file; and the guard's precision and recall per
 * kind on the edit corpus (test/fixtures/edits), whose targets are no false positive and no
 * missed violation.
 */
export async function run(): Promise<BenchRow[]> {
  return [...(await fiveThousandLines()), ...(await corpus())];
}

/** A class of 834 six-line methods: 5,007 lines. */
function bigFile(): string[] {
  const lines = ['export class Handlers {'];
  for (let i = 0; lines.length < 5000; i++) {
    lines.push(
      `  handle${i}(input: Request${i % 7}): Result {`,
      `    const value = input.items.filter((item) => item.id !== ${i}).map((item) => item.value * ${i % 13});`,
      `    if (value.length === 0) throw new HandlerError("0${i % 10}${i % 7}${i % 3}", "Empty");`,
      `    return { total: value.reduce((a, b) => a + b, 0), count: value.length };`,
      '  }',
      '',
    );
  }
  return [...lines, '}', ''];
}

/**
 * The agent keeps the file but replaces `span` lines from method `method` on with a placeholder:
 * seven whole methods for a typical drop, or 40 lines that leave a stray `}` behind it, which
 * breaks the syntax of everything after it.
 */
function dropEdit(lines: string[], method: number, span: number): string {
  const at = 1 + 6 * method;
  return [...lines.slice(0, at), `  // ... (other handlers unchanged, ${method})`, ...lines.slice(at + span)].join('\n');
}

/**
 * Each sample is a new edit (a new text to parse) of the same file. As in the language server,
 * the file's previous version has been checked before (its tree is kept, the new text is parsed
 * incrementally from it), except in the "first check" row, where both texts are new.
 */
async function fiveThousandLines(): Promise<BenchRow[]> {
  const typescript = guardLanguage('typescript');
  const lines = bigFile();
  const before = lines.join('\n');
  const size = `${lines.length.toLocaleString('en')}-line file`;
  const measure = async (samples: number, edit: (i: number) => { before: string; after: string }) => {
    const guard = new Guard();
    await guard.checkEdit(before, dropEdit(lines, 10, 42), typescript);
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const texts = edit(i);
      const start = performance.now();
      await guard.checkEdit(texts.before, texts.after, typescript);
      times.push(performance.now() - start);
    }
    return median(times);
  };
  const typical = await measure(30, (i) => ({ before, after: dropEdit(lines, 400 + 7 * i, 42) }));
  const first = await measure(10, (i) => ({ before: `${before}\n// version ${i}`, after: dropEdit(lines, 400 + 7 * i, 42) }));
  const breaking = await measure(10, (i) => ({ before, after: dropEdit(lines, 400 + 7 * i, 40) }));
  return [
    { name: `guard one agent edit on a ${size} (median of 30)`, value: typical, unit: 'ms', target: '≤ 20 ms', ok: typical <= 20 },
    { name: `  the same, first check of the file (no tree kept, median of 10)`, value: first, unit: 'ms', target: '— (one full parse)', ok: true },
    { name: `  an edit that breaks the syntax of the rest of the file (median of 10)`, value: breaking, unit: 'ms', target: '— (error recovery)', ok: true },
  ];
}

const kinds: ViolationKind[] = ['placeholder-dropped', 'incomplete-code', 'malformed-syntax'];

async function corpus(): Promise<BenchRow[]> {
  const guard = new Guard();
  const cases = editCases();
  const counts = new Map(kinds.map((k) => [k, { found: 0, right: 0, expected: 0 }]));
  for (const c of cases) {
    const found = (await guard.checkEdit(c.before, c.after, guardLanguage(c.language))).map((v) => ({ kind: v.kind, line: v.line + 1 }));
    const unmatched = [...c.expected];
    for (const f of found) {
      const count = counts.get(f.kind)!;
      count.found++;
      const i = unmatched.findIndex((e) => e.kind === f.kind && e.line === f.line);
      if (i !== -1) (count.right++, unmatched.splice(i, 1));
    }
    for (const e of c.expected) {
      const count = counts.get(e.kind as ViolationKind);
      if (count) count.expected++;
    }
  }
  return kinds.flatMap((kind) => {
    const { found, right, expected } = counts.get(kind)!;
    const precision = found ? (100 * right) / found : 100;
    const recall = expected ? (100 * right) / expected : 100;
    return [
      { name: `guard precision, ${kind}, ${cases.length} corpus edits (${found - right} false)`, value: precision, unit: '%', target: '100 % (no false positive)', ok: right === found },
      { name: `guard recall, ${kind}, ${cases.length} corpus edits (${expected - right} missed)`, value: recall, unit: '%', target: '100 % (none missed)', ok: right === expected },
    ];
  });
}
