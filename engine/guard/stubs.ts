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
