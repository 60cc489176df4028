import MarkdownIt from 'markdown-it';
import type { Line } from './text';

/**
 * The block structure of a markdown file, from markdown-it (CommonMark plus GFM tables):
 * headings, list items, paragraphs, tables and code, each with its lines. Only block parsing
 * runs; everything inside fenced or indented code and HTML blocks (comments) produces no
 * structure, so no task is ever read from there.
 */
export interface Heading {
  line: number;
  level: number;
  text: string;
}

export interface ListItem {
  line: number;
  /** Last line of the item, nested items included. */
  lastLine: number;
  /** 0 for a top-level item. */
  depth: number;
  parent: ListItem | null;
  /** The checkbox right after the marker, if the item has one (`optional`: Kiro's `[ ]*`). */
  box: { mark: string; offset: number; optional: boolean } | null;
  /** The item's first-line text after the marker (and the box). */
  text: string;
  /** The other lines of the item's first paragraph (a title wrapped over several lines), trimmed. */
  continuation: string[];
  /** Offset of that text in the whole file. */
  textStart: number;
}

export interface Block {
  startLine: number;
  /** Inclusive. */
  lastLine: number;
}

export interface Table extends Block {
  headerLine: number;
  rowLines: number[];
}

export interface Structure {
  headings: Heading[];
  items: ListItem[];
  paragraphs: Block[];
  tables: Table[];
  /** Line where an unclosed code fence starts (it runs to the end of the file), if any. */
  unclosedFence: number | null;
  /** For each heading line, the paragraph right after it (the one that may hold its fields). */
  paragraphAfterHeading: Map<number, Block>;
}

const md = new MarkdownIt('default', { html: true });
// Block structure only: inline parsing (links, emphasis) is most of markdown-it's time and
// tells a plan reader nothing it needs. Line breaks are normalized by readStructure, and only
// when the text needs it: markdown-it's own rule copies every text, even one with only LFs.
md.core.ruler.disable(['normalize', 'inline', 'linkify', 'replacements', 'smartquotes', 'text_join']);
md.block.ruler.at('paragraph', paragraph);

/**
 * markdown-it's paragraph rule (14.x, rules_block/paragraph.mjs) without the paragraph's text:
 * only its lines are read here (`map`), and joining and trimming the text of every paragraph
 * was a tenth of what a parse allocates.
 */
function paragraph(state: MarkdownIt.StateBlock, startLine: number, endLine: number): boolean {
  const terminators = state.md.block.ruler.getRules('paragraph');
  const oldParentType = state.parentType;
  let nextLine = startLine + 1;
  state.parentType = 'paragraph';
  for (; nextLine < endLine && !state.isEmpty(nextLine); nextLine++) {
    // Indented as code, or a blockquote's lazy line: a continuation all the same.
    if (state.sCount[nextLine] - state.blkIndent > 3 || state.sCount[nextLine] < 0) continue;
    if (terminators.some((rule) => rule(state, nextLine, endLine, true))) break;
  }
  state.line = nextLine;
  state.push('paragraph_open', 'p', 1).map = [startLine, nextLine];
  const inline = state.push('inline', '', 0);
  inline.map = [startLine, nextLine];
  inline.children = [];
  state.push('paragraph_close', 'p', -1);
  state.parentType = oldParentType;
  return true;
}

// A box holds a space, x or X (GFM), or a mark people use for other states (`-`, `~`, `/`, `?`,
// `!`, ...); never another letter or a digit: `- [P] tasks = different files` is a legend and
// `- [1] note` a reference. Kiro writes an optional task as `- [ ]* 3.2 ...`.
const itemStart = /^([ \t]*(?:>[ \t]?)*[ \t]*)([-*+]|\d{1,9}[.)])([ \t]+)(?:\[([ xX]|[^\]\r\nA-Za-z0-9])\](\*)?(?=[ \t]|$)[ \t]*)?/;

export function readStructure(text: string, lines: readonly Line[]): Structure {
  // What markdown-it's normalize rule does (line breaks to LF, NUL to U+FFFD), when there is any.
  const normal = /[\r\0]/.test(text) ? text.replace(/\r\n?/g, '\n').replace(/\0/g, '\uFFFD') : text;
  const tokens = md.parse(normal, {});
  const structure: Structure = {
    headings: [],
    items: [],
    paragraphs: [],
    tables: [],
    unclosedFence: null,
    paragraphAfterHeading: new Map(),
  };
  const openItems: ListItem[] = [];
  let table: Table | null = null;
  let inHead = false;
  let lastHeading: number | null = null;

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const map = token.map;
    switch (token.type) {
      case 'heading_open': {
        const inline = tokens[i + 1];
        structure.headings.push({ line: map![0], level: Number(token.tag.slice(1)), text: inline?.content.trim() ?? '' });
        lastHeading = map![0];
        i += 2; // inline, heading_close
        continue;
      }
      case 'paragraph_open': {
        const block = { startLine: map![0], lastLine: map![1] - 1 };
        structure.paragraphs.push(block);
        const item = openItems.at(-1);
        if (item && block.startLine === item.line && block.lastLine > item.line) {
          for (let l = item.line + 1; l <= block.lastLine; l++) item.continuation.push(lines[l].text.replace(/^[ \t]*(?:>[ \t]?)*/, '').trim());
        }
        if (lastHeading !== null && openItems.length === 0) structure.paragraphAfterHeading.set(lastHeading, block);
        break;
      }
      case 'list_item_open': {
        const item = readItem(lines, map![0], map![1] - 1, openItems);
        structure.items.push(item);
        openItems.push(item);
        break;
      }
      case 'list_item_close':
        openItems.pop();
        break;
      case 'table_open':
        table = { startLine: map![0], lastLine: map![1] - 1, headerLine: map![0], rowLines: [] };
        break;
      case 'thead_open':
        inHead = true;
        break;
      case 'thead_close':
        inHead = false;
        break;
      case 'tr_open':
        if (table && map) {
          if (inHead) table.headerLine = map[0];
          else table.rowLines.push(map[0]);
        }
        break;
      case 'table_close':
        if (table) structure.tables.push(table);
        table = null;
        break;
      case 'fence':
        if (map && !fenceIsClosed(token.markup, lines, map[0], map[1] - 1)) structure.unclosedFence = map[0];
        break;
    }
    // Any block other than a paragraph between a heading and its fields ends the chance of fields.
    if (token.type !== 'paragraph_open' && token.nesting !== -1 && token.type !== 'inline' && token.block) lastHeading = null;
    if (token.type === 'paragraph_close') lastHeading = null;
  }
  return structure;
}

function readItem(lines: readonly Line[], first: number, last: number, open: ListItem[]): ListItem {
  const line = lines[first];
  const m = itemStart.exec(line.text);
  let box: ListItem['box'] = null;
  let textOffset = 0;
  if (m) {
    textOffset = m[0].length;
    if (m[4] !== undefined) {
      const boxAt = m[1].length + m[2].length + m[3].length + 1;
      box = { mark: m[4], offset: line.start + boxAt, optional: m[5] !== undefined };
    }
  }
  return {
    line: first,
    lastLine: last,
    depth: open.length,
    parent: open.at(-1) ?? null,
    box,
    text: line.text.slice(textOffset),
    textStart: line.start + textOffset,
    continuation: [],
  };
}

function fenceIsClosed(markup: string, lines: readonly Line[], first: number, last: number): boolean {
  if (last <= first) return false;
  const close = lines[last]?.text.trim() ?? '';
  const char = markup[0];
  return close.length >= markup.length && [...close].every((c) => c === char);
}
