/**
 * Text that stands for code instead of being code: comments (`// ... (other methods)`,
 * `# rest of the file unchanged`, `/* existing code *\/`, `<!-- ... -->`), and lines that are
 * not comments but say the same (`[The rest of this section is unchanged]` in prose or code,
 * `// ... existing code ...` written as JSX text). Matched on the text without its markers, so
 * `//`, `#`, `/* *\/`, `<!-- -->` and `[ ]` read alike.
 *
 * The rule that separates a placeholder from a comment that describes code:
 * - a text that starts or ends with an ellipsis (`...`, `…`) stands for code;
 * - otherwise it must say so (rest of, unchanged, existing code, as before, omitted, …) and name
 *   the code only generically: once the generic words are set aside (the, rest, of, existing,
 *   code, methods, unchanged, as, before, …), at most two words may be left. `// rest of the
 *   React component unchanged` stands for code; `// Leave the timeout unchanged for old
 *   clients` and `// Reuse the existing code path for retries` describe the code beside them.
 */
const ellipsis = /^(\.{3}|…)|(\.{3}|…)$/;

const patterns: RegExp[] = [
  /\b(rest|remainder)\s+of\b/,
  /\b(existing|previous|original|other|remaining|same)\s+(code|methods?|functions?|implementation|logic|content|properties|styles|rules|tests|cases|fields|handlers?|helpers?|members|imports|routes|sections?|steps?|markup|config(uration)?|text|paragraphs?|items?)\b/,
  /\bunchanged\b/,
  /\bsame\s+as\s+(before|above|original|previously)\b/,
  /\bremains?\s+(the\s+)?(same|unchanged|as\s+is)\b/,
  /\bimplementation\s+(here|goes\s+here|omitted)\b/,
  /\b(omitted|elided|truncated)\b/,
  /\bas\s+before\b/,
  /\bkeep\s+(the\s+)?(rest|existing)\b/,
];

/** Words a placeholder uses to name code generically; any other word is about the code itself. */
const generic = new Set(
  (
    'a an the this that these those of to in on at for and or with from is are be was were it its all any ' +
    'rest remainder remaining other others existing previous previously original same unchanged untouched identical ' +
    'remain remains stay stays stayed kept keep left as before above below here there etc else everything ' +
    'code codes method methods function functions implementation implementations logic content contents property properties ' +
    'style styles rule rules test tests case cases field fields handler handlers helper helpers member members import imports ' +
    'route routes section sections step steps markup config configuration text paragraph paragraphs item items line lines ' +
    'part parts body class component module file omitted elided truncated brevity goes go earlier later'
  ).split(' '),
);

export function commentBody(comment: string): string {
  return comment
    .replace(/^\s*\[(.*)\]\s*$/s, '$1')
    .replace(/^\s*(\/\/+|#+|\/\*+|<!--|--|;+)\s*/, '')
    .replace(/\s*(\*+\/|-->)\s*$/, '')
    .replace(/^\s*\*\s?/gm, '')
    .trim();
}

export function isPlaceholder(comment: string): boolean {
  return standsForCode(commentBody(comment).toLowerCase());
}

function standsForCode(body: string): boolean {
  if (!body) return false;
  if (ellipsis.test(body)) return true;
  if (!patterns.some((p) => p.test(body))) return false;
  const words = body.split(/[^\p{L}\p{N}'-]+/u).filter((w) => w && !generic.has(w));
  return words.length <= 2;
}

/**
 * A line that is no comment but stands for removed text: bracketed prose (`[The rest of this
 * section is unchanged]`, `[... earlier steps as before ...]`, `[...]`) or, in JSX,
 * comment-looking text between tags (`<div>// ... existing code ...</div>`). Returns the text
 * to read and name it by (the bracketed line, or the comment-looking text), or undefined.
 * `[...items]` (a spread) and `[1]: https://…` are code and links, not prose.
 */
export function placeholderLine(line: string, jsx: boolean): string | undefined {
  const trimmed = line.trim();
  const bracketed = /^\[([^\]]*)\]$/.exec(trimmed);
  if (bracketed) {
    const inner = bracketed[1].trim();
    const prose = /^(\.{3}|…)$/.test(inner) || /\s/.test(inner);
    return prose && standsForCode(inner.toLowerCase()) ? trimmed : undefined;
  }
  if (jsx && trimmed.length > 2) {
    const text = trimmed.replace(/<\/?[A-Za-z][\w.:-]*[^<>]*>/g, '').trim();
    if (/^(\/\/|\/\*)/.test(text) && isPlaceholder(text)) return text;
  }
  return undefined;
}
