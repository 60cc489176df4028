/** A stretch of a text in another language, in the terms web-tree-sitter's includedRanges take. */
export interface TextRange {
  startIndex: number;
  endIndex: number;
  startPosition: { row: number; column: number };
  endPosition: { row: number; column: number };
}

/** The grammar that reads the contents of a tag, and where those contents are. */
export interface Embedded {
  grammar: string;
  ranges: TextRange[];
}

const scriptTypes = /^(|text\/javascript|application\/javascript|module|text\/babel|text\/jsx)$/i;

/**
 * The JavaScript of `<script>` elements and the CSS of `<style>` elements in an HTML page: a
 * placeholder there is written in the embedded language (`// ... existing code ...`), so the
 * page's comments are those of its parts. Scripts of other types (JSON, templates) are data.
 */
export function embeddedInHtml(text: string): Embedded[] {
  const scripts: TextRange[] = [];
  const styles: TextRange[] = [];
  const tag = /<(script|style)\b([^>]*)>([\s\S]*?)<\/\1\s*>/gi;
  for (let match = tag.exec(text); match; match = tag.exec(text)) {
    const [whole, name, attributes, body] = match;
    if (!body.trim()) continue;
    const type = /\btype\s*=\s*["']?([^"'\s>]*)/i.exec(attributes)?.[1] ?? '';
    const start = match.index + whole.indexOf('>') + 1;
    const range = rangeOf(text, start, start + body.length);
    if (name.toLowerCase() === 'style') styles.push(range);
    else if (scriptTypes.test(type)) scripts.push(range);
  }
  return [
    ...(scripts.length ? [{ grammar: 'tree-sitter-javascript.wasm', ranges: scripts }] : []),
    ...(styles.length ? [{ grammar: 'tree-sitter-css.wasm', ranges: styles }] : []),
  ];
}

function rangeOf(text: string, startIndex: number, endIndex: number): TextRange {
  return { startIndex, endIndex, startPosition: pointAt(text, startIndex), endPosition: pointAt(text, endIndex) };
}

/** Row and column (UTF-16 code units, as web-tree-sitter counts them) of an offset. */
export function pointAt(text: string, offset: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}
