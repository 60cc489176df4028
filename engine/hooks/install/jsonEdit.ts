import type { JsonArray, JsonNode, JsonObject } from './jsonText';

/**
 * Edits of JSON text that touch only the bytes they must, in the file's own style, each with an
 * exact inverse: adding a last child and then removing it gives the original bytes back (what
 * `hooks uninstall` promises after `hooks install`). The one text this cannot give back is an
 * empty container's inner white space other than none (`[ ]` comes back as `[]`).
 */
export interface JsonStyle {
  /** One level of indentation: the first indented line's white space, else two spaces. */
  indent: string;
  eol: string;
  /** `": "` or `":"`, as the file's first member has it. */
  colon: string;
}

export function styleOf(text: string, root: JsonNode | null): JsonStyle {
  const indented = /^([ \t]+)\S/m.exec(text);
  const first = root?.kind === 'object' ? root.members[0] : undefined;
  return {
    indent: indented ? (indented[1].startsWith('\t') ? '\t' : indented[1]) : '  ',
    eol: text.includes('\r\n') ? '\r\n' : '\n',
    colon: first && text.slice(first.keyEnd, first.value.start) === ':' ? ':' : ': ',
  };
}

/** A value written out as the file writes its own: one member or item a line, at `indent`. */
export function render(value: unknown, style: JsonStyle, indent = ''): string {
  const inner = indent + style.indent;
  if (Array.isArray(value)) {
    if (!value.length) return '[]';
    return `[${value.map((v) => `${style.eol}${inner}${render(v, style, inner)}`).join(',')}${style.eol}${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (!entries.length) return '{}';
    return `{${entries.map(([k, v]) => `${style.eol}${inner}${JSON.stringify(k)}${style.colon}${render(v, style, inner)}`).join(',')}${style.eol}${indent}}`;
  }
  return JSON.stringify(value);
}

type Container = JsonObject | JsonArray;
type Span = { start: number; end: number };

function children(container: Container): Span[] {
  return container.kind === 'object' ? container.members : container.items;
}

/** The white space that starts the line `offset` is on. */
function lineIndent(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '';
}

/** Whether the child starts its own line (else the container is written on one line). */
function ownLine(text: string, child: Span): boolean {
  const lineStart = text.lastIndexOf('\n', child.start - 1) + 1;
  return /^[ \t]*$/.test(text.slice(lineStart, child.start));
}

function splice(text: string, start: number, end: number, insert = ''): string {
  return text.slice(0, start) + insert + text.slice(end);
}

/**
 * The container with one more child at its end: `child` writes it (a value, or `"key": value`)
 * at an indentation, or on one line (indent null) when the container is written on one line.
 */
function appendChild(text: string, container: Container, style: JsonStyle, child: (indent: string | null) => string): string {
  const last = children(container).at(-1);
  if (!last) {
    const outer = lineIndent(text, container.start);
    const inner = outer + style.indent;
    return splice(text, container.start + 1, container.start + 1, `${style.eol}${inner}${child(inner)}${style.eol}${outer}`);
  }
  if (!ownLine(text, last)) return splice(text, last.end, last.end, `, ${child(null)}`);
  const indent = lineIndent(text, last.start);
  return splice(text, last.end, last.end, `,${style.eol}${indent}${child(indent)}`);
}

export function appendItem(text: string, array: JsonArray, style: JsonStyle, value: unknown): string {
  return appendChild(text, array, style, (indent) => (indent === null ? JSON.stringify(value) : render(value, style, indent)));
}

export function appendMember(text: string, object: JsonObject, style: JsonStyle, key: string, value: unknown): string {
  return appendChild(text, object, style, (indent) => `${JSON.stringify(key)}${style.colon}${indent === null ? JSON.stringify(value) : render(value, style, indent)}`);
}

/** The item replaced by `value`, written where the old one stood. */
export function replaceItem(text: string, array: JsonArray, index: number, style: JsonStyle, value: unknown): string {
  const item = array.items[index];
  const written = ownLine(text, item) ? render(value, style, lineIndent(text, item.start)) : JSON.stringify(value);
  return splice(text, item.start, item.end, written);
}

/** The container without its child at `index`, with the comma and line that came with it. */
export function removeChild(text: string, container: Container, index: number, style: JsonStyle): string {
  const all = children(container);
  const child = all[index];
  if (index > 0) return splice(text, all[index - 1].end, child.end);
  if (all.length > 1) return splice(text, child.start, all[1].start);
  // The only child: undo what appendChild writes into an empty container, else empty it from the bracket on.
  const open = container.start + 1;
  const closing = `${style.eol}${lineIndent(text, container.start)}`;
  if (/^\s*$/.test(text.slice(open, child.start)) && text.startsWith(closing, child.end)) return splice(text, open, child.end + closing.length);
  return splice(text, open, child.end);
}
