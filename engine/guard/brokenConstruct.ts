import type { Hunk } from './hunks';
import type { Definition, Query, SyntaxNode } from './treeRead';

/**
 * Where a text that does not parse is broken: the first line of the broken construct. Parsers
 * report errors where they gave up, often the end of the file; people need the construct the
 * edit broke (SPEC §2), so a cut-off text points at the top-level construct left open.
 */
export function brokenConstructLine(root: SyntaxNode, text: string): number {
  const first = firstBroken(root);
  if (first.isMissing && text.slice(first.startIndex).trim() === '') {
    // Closers the parser had to invent at the very end: the text stops inside this construct.
    const open = root.children.find((c) => c && c.startIndex <= first.startIndex && first.startIndex <= c.endIndex);
    if (open) return open.startPosition.row;
  }
  return first.startPosition.row;
}

/**
 * In a text whose original did not parse either: the first broken top-level construct the edit
 * introduced, or null. Constructs are compared by their first line's text, as many times as
 * each is broken, so an error that was there before (moved or not) is not the edit's.
 */
export function newlyBroken(oldRoot: SyntaxNode, before: string, newRoot: SyntaxNode, after: string): number | null {
  const was = new Map<string, number>();
  for (const node of brokenTops(oldRoot)) {
    const key = firstLine(before, node);
    was.set(key, (was.get(key) ?? 0) + 1);
  }
  for (const node of brokenTops(newRoot)) {
    const key = firstLine(after, node);
    const count = was.get(key) ?? 0;
    if (count > 0) {
      was.set(key, count - 1);
      continue;
    }
    // Inside an ERROR that also holds recovered declarations, the construct it could not finish.
    return (node.isError ? firstBroken(node) : node).startPosition.row;
  }
  return null;
}

/** The root's children that are broken or hold something broken. */
function brokenTops(root: SyntaxNode): SyntaxNode[] {
  return root.children.filter((c): c is SyntaxNode => !!c && (c.isError || c.isMissing || c.hasError));
}

function firstLine(text: string, node: SyntaxNode): string {
  const end = text.indexOf('\n', node.startIndex);
  return text.slice(node.startIndex, end === -1 ? undefined : end).trim();
}

/** Python: the header line of the first block with no statement (only comments, or nothing), or null. */
export function emptyBlock(blocks: SyntaxNode[]): number | null {
  let first: number | null = null;
  for (const block of blocks) {
    if (block.type !== 'block' || !block.parent) continue;
    if (block.namedChildren.some((c) => c && c.type !== 'comment')) continue;
    const row = block.parent.startPosition.row;
    if (first === null || row < first) first = row;
  }
  return first;
}

/**
 * The parser may accept the changed lines and stumble only further down, where an unclosed
 * block swallowed the next method (`n() {` inside `m`). When no change is on or just before
 * the broken line, the broken construct is the definition around both it and the last change
 * above it.
 */
export function owningChange(line: number, hunks: Hunk[], definitions: Definition[]): number {
  const above = hunks.filter((h) => h.newStart <= line);
  const last = above.at(-1);
  if (!last || line <= last.newStart + last.added.length) return line;
  const owner = definitions.filter((d) => d.startLine <= last.newStart && d.endLine >= line).at(-1);
  return owner ? owner.startLine : line;
}

/**
 * The first node that is not well formed: a MISSING token, an ERROR, or, inside an ERROR, the
 * first loose token. The complete constructs an ERROR holds are what the parser recovered
 * (the declarations before a cut-off function); its first anonymous token (`def`, `func`,
 * `function`, `{`) is where the construct it could not finish begins.
 */
function firstBroken(root: SyntaxNode): SyntaxNode {
  let node = root;
  for (;;) {
    if (node.isMissing) return node;
    let next: SyntaxNode | undefined;
    for (const child of node.children) {
      if (!child) continue;
      if (child.isMissing || child.isError || child.hasError) {
        next = child;
        break;
      }
      if (node.isError && !child.isNamed) return child;
    }
    if (!next) return node;
    node = next;
  }
}

/**
 * Python's indentation, which tree-sitter-python accepts more loosely than CPython: a statement
 * dedented to a column no enclosing block uses still lands in a block ("unindent does not match
 * any outer indentation level"). The 0-based line of the first such statement in the given
 * blocks, or null.
 */
export function pythonIndentError(blocks: SyntaxNode[], lines: string[]): number | null {
  let first: number | null = null;
  for (const block of blocks) {
    let column: number | null = null;
    for (const statement of block.namedChildren) {
      if (!statement || statement.type === 'comment') continue;
      const { row, column: at } = statement.startPosition;
      // Only statements that start their line: `if x: y` keeps its body on the header line.
      if ((lines[row] ?? '').length - (lines[row] ?? '').trimStart().length !== at) continue;
      column ??= at;
      if (at !== column && (first === null || row < first)) first = row;
    }
  }
  return first;
}

/** The Python blocks (and the module) that touch the given lines. */
export function blocksIn(root: SyntaxNode, query: Query, ranges: [number, number][]): SyntaxNode[] {
  const blocks: SyntaxNode[] = [root];
  for (const [start, end] of ranges) {
    for (const { node } of query.captures(root, { startPosition: { row: start, column: 0 }, endPosition: { row: Math.max(end, start + 1), column: 0 } })) {
      blocks.push(node);
    }
  }
  return blocks;
}

/** JSON: null when the text parses, else the 0-based line of the broken construct. */
export function jsonBrokenLine(text: string): number | null {
  let at: number;
  try {
    JSON.parse(text);
    return null;
  } catch (err) {
    const message = err instanceof Error ? err.message : '';
    at = Number(/position (\d+)/.exec(message)?.[1] ?? text.length);
  }
  // A text that stops early: the top-level member (or element) it stops in.
  const start = text.slice(at).trim() === '' ? lastTopLevelMember(text) : at;
  return lineAt(text, start ?? at);
}

/** Where the last member of the root object (or element of the root array) starts. */
function lastTopLevelMember(text: string): number | undefined {
  let depth = 0;
  let inString = false;
  let expectMember = false;
  let last: number | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (/\s/.test(ch)) continue;
    if (depth === 1 && expectMember) {
      last = i;
      expectMember = false;
    }
    if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') expectMember = ++depth === 1;
    else if (ch === '}' || ch === ']') depth--;
    else if (ch === ',' && depth === 1) expectMember = true;
  }
  return last;
}

function lineAt(text: string, offset: number): number {
  let line = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] !== '\n')) line++;
  }
  return line;
}
