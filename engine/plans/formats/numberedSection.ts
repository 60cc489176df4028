import type { PlanFormat } from './format';
import { readHeadings } from './headingTask';
import { replaceSpan, startsWithSymbol, statusSymbols, statusWords, styled } from './statusText';

/**
 * `numbered-section` (SPEC §1): a numbered heading (`#### 1.1.2. Title`, `## 7 Billing`)
 * followed by `**Status**: ✅ COMPLETED (2026-02-08)`; the number is the id. Roadmaps (GSD,
 * Agent OS) write their phases this way, with `**Depends on**:` fields.
 */
export const numberedSection: PlanFormat = {
  dialect: 'numbered-section',
  recognize: (source) => source.structure.headings.some((h) => numbered.test(h.text)),
  read: (source) =>
    readHeadings(source, 'numbered-section', (heading) => {
      const m = numbered.exec(heading.text);
      return m ? { id: m[1], title: m[2].trim() } : undefined;
    }),
  setStatus(_doc, task, status, date) {
    const symbol = startsWithSymbol(task.rawStatus) ? `${statusSymbols[status]} ` : '';
    const word = styled(statusWords(task.rawStatus), words[status], ' ');
    return { ok: true, edits: [replaceSpan(task.statusSpan!, symbol + word + (status === 'done' ? ` (${date})` : ''))] };
  },
};

export const numbered = /^(\d+(?:\.\d+)*)\.?\s+(.*)$/;

const words = { todo: 'NOT STARTED', 'in-progress': 'IN PROGRESS', blocked: 'BLOCKED', paused: 'PAUSED', done: 'COMPLETED', cancelled: 'CANCELLED' };
