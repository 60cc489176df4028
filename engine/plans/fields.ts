import type { Span } from './model';

/**
 * Field lines of heading-based tasks: `**Status**: in-progress | **Priority**: high`,
 * `**Status:** done`, or one plain `Status: TODO` per line (header-block). Keys are matched
 * case-insensitively against known names; spans are offsets into the whole text.
 */
export interface Field {
  key: FieldKey;
  value: string;
  /** The value, trimmed, in the whole text. */
  span: Span;
  line: number;
}

export type FieldKey =
  | 'status'
  | 'priority'
  | 'dependencies'
  | 'effort'
  | 'assignee'
  | 'started'
  | 'completed'
  | 'lastUpdated'
  | 'blocker'
  | 'parent'
  | 'version'
  | 'other';

const keyNames: Record<string, FieldKey> = {
  status: 'status',
  state: 'status',
  priority: 'priority',
  dependencies: 'dependencies',
  dependency: 'dependencies',
  'depends on': 'dependencies',
  depends: 'dependencies',
  deps: 'dependencies',
  estimated: 'effort',
  estimate: 'effort',
  effort: 'effort',
  size: 'effort',
  'assigned to': 'assignee',
  assignee: 'assignee',
  owner: 'assignee',
  started: 'started',
  'start date': 'started',
  completed: 'completed',
  'completed on': 'completed',
  'last updated': 'lastUpdated',
  updated: 'lastUpdated',
  blocker: 'blocker',
  'blocked by': 'blocker',
  parenttask: 'parent',
  'parent task': 'parent',
  parent: 'parent',
  version: 'version',
};

const keyCache = new Map<string, FieldKey>();

export function fieldKey(name: string): FieldKey {
  let key = keyCache.get(name);
  if (key === undefined) {
    key = keyNames[name.trim().toLowerCase().replace(/\s+/g, ' ')] ?? 'other';
    if (keyCache.size < 10_000) keyCache.set(name, key);
  }
  return key;
}

const boldField = /\*\*([^*|]{1,40}?)(:?)\*\*(:?)[ \t]*/y;
const plainField = /^([A-Za-z][A-Za-z ]{0,30}?):[ \t]+(\S.*)$/;

/**
 * Reads the fields of one line. Returns [] for a line that holds none. `names` receives raw
 * names of bold fields too, so unknown ones are kept as metadata.
 */
export function readFields(text: string, lineStart: number, line: number): (Field & { name: string })[] {
  const fields: (Field & { name: string })[] = [];
  const trimmedStart = text.length - text.trimStart().length;
  if (text.startsWith('**', trimmedStart)) {
    // Segments separated by `|`; a segment starts with a bold key and a colon (inside or after the bold).
    let at = trimmedStart;
    while (at < text.length) {
      boldField.lastIndex = at;
      const m = boldField.exec(text);
      if (!m || (!m[2] && !m[3])) break;
      const valueStart = boldField.lastIndex;
      let valueEnd = text.indexOf('|', valueStart);
      // A `|` inside [..] belongs to the value (rare, but never split a dependency list).
      const bracket = text.indexOf('[', valueStart);
      if (bracket !== -1 && valueEnd !== -1 && bracket < valueEnd) {
        const close = text.indexOf(']', bracket);
        if (close > valueEnd) valueEnd = text.indexOf('|', close);
      }
      const next = valueEnd === -1 ? text.length : valueEnd + 1;
      if (valueEnd === -1) valueEnd = text.length;
      const raw = text.slice(valueStart, valueEnd);
      const value = raw.trim();
      const offset = valueStart + raw.indexOf(value);
      fields.push({
        name: m[1].trim(),
        key: fieldKey(m[1]),
        value,
        span: { start: lineStart + offset, end: lineStart + offset + value.length },
        line,
      });
      at = next;
      while (at < text.length && (text[at] === ' ' || text[at] === '\t')) at++;
    }
    return fields;
  }
  const m = plainField.exec(text);
  if (m && fieldKey(m[1]) !== 'other') {
    const value = m[2].trimEnd();
    const offset = text.indexOf(m[2], m[1].length);
    fields.push({
      name: m[1],
      key: fieldKey(m[1]),
      value,
      span: { start: lineStart + offset, end: lineStart + offset + value.length },
      line,
    });
  }
  return fields;
}

/** `None`, `[3, 7]`, `[Other Title]`, `Task 3, Task 5`, `1.1` → ids or titles as written. */
export function parseDependencyList(value: string): string[] {
  const text = value.trim();
  if (/^(none|n\/a|-|—|nothing|\[\s*\])?$/i.test(text)) return [];
  const inner = text.replace(/^\[/, '').replace(/\]$/, '');
  return inner
    .split(/\s*(?:,|;|\]\s*\[)\s*/)
    .map((part) =>
      part
        .replace(/^\[|\]$/g, '')
        .replace(/^`|`$/g, '')
        .replace(/^(?:task|phase|story)\s+/i, '')
        // A status glyph after an id says the dependency is done (`12 ✓`): not part of the id.
        .replace(/\s*[✓✔✅☑✗✘❌⏳🔄]+\s*$/u, '')
        .trim(),
    )
    .filter((part) => part.length > 0 && !/^none$/i.test(part))
    .flatMap(expandRange);
}

/**
 * `1.1-1.11` → 1.1 … 1.11, `T001-T004` → T001 … T004 (zero padding kept), `3-5` → 3, 4, 5: a
 * range of ids sharing everything but a last number. Anything else (a slug with dashes) stays.
 */
function expandRange(part: string): string[] {
  const m = /^([A-Za-z]*-?(?:\d+\.)*)(\d+)\s*(?:-|–|—|\.\.)\s*\1?(\d+)$/.exec(part);
  if (!m) return [part];
  const [, prefix, fromText, toText] = m;
  const from = Number(fromText);
  const to = Number(toText);
  if (!(to > from) || to - from > 200) return [part];
  const width = fromText.startsWith('0') ? fromText.length : 0;
  return Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${String(from + i).padStart(width, '0')}`);
}
