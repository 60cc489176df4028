import { readFields } from './fields';
import type { PlanDocument } from './model';
import { splitLines } from './text';

/** A dependency named on a line: the id or title as written, and where. */
export interface DependencyRef {
  ref: string;
  start: number;
  end: number;
}

/**
 * The dependencies written on one line, with their spans, for hover and go-to-definition:
 * `**Dependencies**: [3, 7]`, `Dependencies: [Other Title]`, `_Depends: 1.1_`.
 */
export function dependencyRefsOnLine(doc: PlanDocument, line: number): DependencyRef[] {
  const at = splitLines(doc.text)[line];
  if (!at) return [];
  const refs: DependencyRef[] = [];
  for (const field of readFields(at.text, at.start, line)) {
    if (field.key === 'dependencies') refs.push(...splitList(doc.text, field.span.start, field.span.end));
  }
  const underscored = /_\s*depends(?: on)?\s*:\s*([^_]*)_/i.exec(at.text);
  if (underscored) {
    const start = at.start + underscored.index + underscored[0].indexOf(underscored[1]);
    refs.push(...splitList(doc.text, start, start + underscored[1].length));
  }
  return refs;
}

function splitList(text: string, start: number, end: number): DependencyRef[] {
  const refs: DependencyRef[] = [];
  const re = /[^,;[\]]+/g;
  const value = text.slice(start, end);
  for (let m = re.exec(value); m; m = re.exec(value)) {
    const raw = m[0];
    const trimmed = raw.trim().replace(/^`|`$/g, '');
    const ref = trimmed.replace(/^task\s+/i, '');
    if (!ref || /^none$/i.test(ref)) continue;
    const offset = start + m.index + raw.indexOf(ref);
    refs.push({ ref, start: offset, end: offset + ref.length });
  }
  return refs;
}
