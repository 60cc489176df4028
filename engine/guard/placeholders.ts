/**
 * Comments that stand for code instead of being code: `// ... (other methods)`,
 * `# rest of the file unchanged`, `/* existing code *\/`, `<!-- ... -->`. Matched on the
 * comment's text without its markers, so `//`, `#`, `/* *\/` and `<!-- -->` read alike.
 */
const patterns: RegExp[] = [
  /^(\.{3}|…)/, // starts with an ellipsis: "... (other methods)", "... existing code ..."
  /(\.{3}|…)$/, // ends with one: "handler implementation here ..."
  /\b(rest|remainder)\s+of\b/,
  /\b(existing|previous|original|other|remaining|same)\s+(code|methods?|functions?|implementation|logic|content|properties|styles|rules|tests|cases|fields|handlers?|members|imports|routes|sections?|markup|config(uration)?)\b/,
  /\bunchanged\b/,
  /\bsame\s+as\s+(before|above|original|previously)\b/,
  /\bremains?\s+(the\s+)?(same|unchanged|as\s+is)\b/,
  /\bimplementation\s+(here|goes\s+here|omitted)\b/,
  /\b(omitted|elided|truncated)\b/,
  /\bas\s+before\b/,
  /\bkeep\s+(the\s+)?(rest|existing)\b/,
];

export function commentBody(comment: string): string {
  return comment
    .replace(/^\s*(\/\/+|#+|\/\*+|<!--|--|;+)\s*/, '')
    .replace(/\s*(\*+\/|-->)\s*$/, '')
    .replace(/^\s*\*\s?/gm, '')
    .trim();
}

export function isPlaceholder(comment: string): boolean {
  const body = commentBody(comment).toLowerCase();
  if (!body) return false;
  return patterns.some((p) => p.test(body));
}
