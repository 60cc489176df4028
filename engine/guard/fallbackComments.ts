import type { Comment } from './treeRead';

/**
 * Comments of languages without a grammar in @vscode/tree-sitter-wasm: `<!-- -->` in HTML and
 * markdown (in markdown, not inside fenced code: a code sample's `# ...` is the sample's text).
 */
export function htmlComments(text: string, skipFences: boolean): Comment[] {
  const lines = text.split(/\r\n|\n|\r/);
  const comments: Comment[] = [];
  let fence: string | null = null;
  let open: { startLine: number; parts: string[] } | null = null;
  lines.forEach((line, i) => {
    if (skipFences && !open) {
      const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
      if (fence) {
        if (marker && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = null;
        return;
      }
      if (marker) {
        fence = marker;
        return;
      }
    }
    let rest = line;
    for (;;) {
      if (!open) {
        const start = rest.indexOf('<!--');
        if (start === -1) break;
        open = { startLine: i, parts: [] };
        rest = rest.slice(start);
      }
      // On the line that opens it, `-->` counts only after `<!--` itself.
      const end = rest.indexOf('-->', open.parts.length === 0 ? 4 : 0);
      if (end === -1) {
        open.parts.push(rest);
        break;
      }
      open.parts.push(rest.slice(0, end + 3));
      comments.push({ startLine: open.startLine, endLine: i, text: open.parts.join('\n') });
      rest = rest.slice(end + 3);
      open = null;
    }
  });
  return comments;
}
