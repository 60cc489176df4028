/** Lines added by an edit that stand where an implementation should be (SPEC §2 incomplete-code). */
const stubPatterns: RegExp[] = [
  /\bthrow\s+new\s+\w*Error\s*\(\s*["'`][^"'`]*\bnot\s+(yet\s+)?implemented\b/i,
  /\bthrow\s+new\s+NotImplementedException\b/,
  /\bthrow\s+new\s+UnsupportedOperationException\s*\(\s*"[^"]*\bnot\s+(yet\s+)?implemented/i,
  /\braise\s+NotImplementedError\b/,
  /^\s*pass\s*#\s*todo\b/i,
  /\btodo\b:?\s*implement/i,
  /\bunimplemented!\s*\(/,
  /\btodo!\s*\(/,
  /\bpanic\s*\(\s*"[^"]*\bnot\s+(yet\s+)?implemented/i,
];

export function isStub(line: string): boolean {
  return stubPatterns.some((p) => p.test(line));
}

/**
 * A comment that asks for the implementation instead of being one: `// TODO: implement`,
 * `// ... add the caching logic here ...`, `// implement me`, `# your code here`. As the whole
 * body of a new function it is a stub (a comment beside real statements is a note).
 */
const stubComments: RegExp[] = [
  /\b(todo|fixme)\b/i,
  /\bimplement(ed|ation)?\b/i,
  /\byour\s+code\b/i,
  /\b(add|put|insert|write|fill\s+in)\b.*\bhere\b/i,
  /\b(logic|code)\s+(goes\s+)?here\b/i,
];

export function isStubComment(comment: string): boolean {
  return stubComments.some((p) => p.test(comment));
}
