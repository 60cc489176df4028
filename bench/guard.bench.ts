import { Guard, guardLanguage } from '../engine/guard';
import { editCases } from '../test/fixtures/editCorpus';
import type { BenchRow } from './main';

/**
 * SPEC §9: guard one agent edit on a 5,000-line file; and the guard's precision and recall on
 * the edit corpus (test/fixtures/edits), whose targets are no false positive and no missed drop.
 */
export async function run(): Promise<BenchRow[]> {
  return [await fiveThousandLines(), ...(await corpus())];
}

function bigFile(): { before: string; after: string } {
  const methods: string[] = [];
  for (let i = 0; methods.join('\n').split('\n').length < 5000; i++) {
    methods.push(
      `  handle${i}(input: Request${i % 7}): Result {`,
      `    const value = input.items.filter((item) => item.id !== ${i}).map((item) => item.value * ${i % 13});`,
      `    if (value.length === 0) throw new HandlerError("0${i % 10}${i % 7}${i % 3}", "Empty");`,
      `    return { total: value.reduce((a, b) => a + b, 0), count: value.length };`,
      '  }',
      '',
    );
  }
  const lines = ['export class Handlers {', ...methods, '}', ''];
  const before = lines.join('\n');
  // The agent keeps the first half and replaces 40 lines in the middle with a placeholder.
  const middle = Math.floor(lines.length / 2);
  const after = [...lines.slice(0, middle), '  // ... (other handlers unchanged)', ...lines.slice(middle + 40)].join('\n');
  return { before, after };
}

async function fiveThousandLines(): Promise<BenchRow> {
  const guard = new Guard();
  const { before, after } = bigFile();
  for (let i = 0; i < 5; i++) await guard.checkEdit(before, after, guardLanguage('typescript'));
  const samples: number[] = [];
  for (let i = 0; i < 30; i++) {
    const start = performance.now();
    await guard.checkEdit(before, after, guardLanguage('typescript'));
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const value = samples[samples.length >> 1];
  return { name: `guard one edit on a ${before.split('\n').length.toLocaleString('en')}-line file (median of 30)`, value, unit: 'ms', target: '≤ 20 ms', ok: value <= 20 };
}

async function corpus(): Promise<BenchRow[]> {
  const guard = new Guard();
  let truePositives = 0;
  let falsePositives = 0;
  let falseNegatives = 0;
  const cases = editCases();
  for (const c of cases) {
    const found = (await guard.checkEdit(c.before, c.after, guardLanguage(c.language))).map((v) => `${v.kind}@${v.line + 1}`);
    const expected = c.expected.map((v) => `${v.kind}@${v.line}`);
    truePositives += found.filter((f) => expected.includes(f)).length;
    falsePositives += found.filter((f) => !expected.includes(f)).length;
    falseNegatives += expected.filter((e) => !found.includes(e)).length;
  }
  const precision = truePositives + falsePositives ? truePositives / (truePositives + falsePositives) : 1;
  const recall = truePositives + falseNegatives ? truePositives / (truePositives + falseNegatives) : 1;
  return [
    { name: `guard precision on ${cases.length} corpus edits (${falsePositives} false positives)`, value: precision * 100, unit: '%', target: '100 % (no false positive)', ok: falsePositives === 0 },
    { name: `guard recall on ${cases.length} corpus edits (${falseNegatives} missed)`, value: recall * 100, unit: '%', target: '100 % (no missed drop)', ok: falseNegatives === 0 },
  ];
}
