import { htmlComments } from './fallbackComments';
import { hunksOf, type Hunk } from './hunks';
import type { GuardLanguage } from './languages';
import { severityOf, type Violation } from './model';
import { commentBody, isPlaceholder } from './placeholders';
import { isStub } from './stubs';
import { SyntaxTrees, type Comment, type ParsedText } from './syntaxTree';

/**
 * The guard (SPEC §2): compares the text before and after an agent edit and reports
 * placeholder drops, incomplete code and newly broken syntax. Diff first: a comment only
 * counts as a placeholder where the same hunk removed code that is gone from the file.
 */
export class Guard {
  constructor(private readonly trees = new SyntaxTrees()) {}

  async checkEdit(before: string, after: string, language: GuardLanguage): Promise<Violation[]> {
    if (before === after) return [];
    const hunks = hunksOf(before, after);
    const [old, now] = await Promise.all([this.read(before, language), this.read(after, language)]);
    const violations = [
      ...placeholderDrops(hunks, old, now, after),
      ...incompleteCode(hunks, old, now, before, after),
      ...brokenSyntax(before, after, language, old, now),
    ];
    return violations.sort((a, b) => a.line - b.line);
  }

  private async read(text: string, language: GuardLanguage): Promise<ParsedText> {
    const parsed = await this.trees.parse(text, language);
    if (parsed) return parsed;
    const comments = language.comments === 'html' ? htmlComments(text, language.id === 'markdown') : [];
    return { comments, definitions: [], errorLine: null };
  }
}

function placeholderDrops(hunks: Hunk[], old: ParsedText, now: ParsedText, after: string): Violation[] {
  const afterLines = new Set(after.split(/\r\n|\n|\r/).map((l) => l.trim()));
  const oldCounts = countBodies(old.comments);
  const newCounts = countBodies(now.comments);
  const violations: Violation[] = [];
  for (const hunk of hunks) {
    if (hunk.removed.length === 0) continue;
    // Code the edit removed and did not put anywhere else (moves and re-indents are not drops).
    const dropped = hunk.removed.filter((line, i) => {
      const trimmed = line.trim();
      return trimmed !== '' && !inComment(old.comments, hunk.oldStart + i) && !afterLines.has(trimmed);
    });
    if (dropped.length === 0) continue;
    const placeholder = now.comments.find((c) => {
      if (c.startLine < hunk.newStart || c.startLine >= hunk.newStart + Math.max(hunk.added.length, 1)) return false;
      if (!isPlaceholder(c.text)) return false;
      // A placeholder comment the file already had (now re-indented or moved) is not new.
      const body = commentBody(c.text).toLowerCase();
      return (newCounts.get(body) ?? 0) > (oldCounts.get(body) ?? 0);
    });
    if (!placeholder) continue;
    const names = old.definitions
      .filter((d) => d.startLine >= hunk.oldStart && d.startLine < hunk.oldStart + hunk.removed.length)
      .filter((d, i, all) => !all.some((o, j) => j < i && o.startLine <= d.startLine && o.endLine >= d.endLine && o !== d));
    const what = names.length
      ? `: ${describe(names.map((d) => d.kind))} ${names.slice(0, 6).map((d) => `\`${d.name}\``).join(', ')}${names.length > 6 ? ` and ${names.length - 6} more` : ''}`
      : '';
    const text = placeholder.text.split(/\r\n|\n|\r/)[0].trim();
    violations.push({
      kind: 'placeholder-dropped',
      severity: severityOf['placeholder-dropped'],
      line: placeholder.startLine,
      endLine: placeholder.endLine,
      text: placeholder.text,
      removedLines: hunk.removed,
      removedFrom: hunk.oldStart,
      message: `\`${text}\` replaced ${hunk.removed.length} line${hunk.removed.length === 1 ? '' : 's'}${what}`,
    });
  }
  return violations;
}

function incompleteCode(hunks: Hunk[], old: ParsedText, now: ParsedText, before: string, after: string): Violation[] {
  const violations: Violation[] = [];
  const beforeStubs = countStubs(before);
  const afterLines = after.split(/\r\n|\n|\r/);
  const seen = new Map<string, number>();
  for (const hunk of hunks) {
    hunk.added.forEach((line, i) => {
      if (!isStub(line)) return;
      const trimmed = line.trim();
      // The same stub, as many times as before, is one the file already had (moved or re-indented).
      seen.set(trimmed, (seen.get(trimmed) ?? 0) + 1);
      if ((seen.get(trimmed) ?? 0) <= (beforeStubs.get(trimmed) ?? 0)) return;
      const at = hunk.newStart + i;
      if (isAbstract(now, afterLines, at)) return;
      violations.push(stub(at, trimmed, `incomplete code added: \`${trimmed}\` stands where an implementation should be`));
    });
  }
  // Bodies the edit emptied: a function or method that had a body before and has none now.
  for (const definition of now.definitions) {
    if (!definition.body?.empty) continue;
    const was = old.definitions.find((d) => d.name === definition.name && d.kind === definition.kind);
    if (!was?.body || was.body.empty) continue;
    if (!hunks.some((h) => h.newStart <= definition.body!.endLine && definition.body!.startLine < h.newStart + Math.max(h.added.length, 1))) continue;
    violations.push(stub(definition.body.startLine, afterLines[definition.body.startLine]?.trim() ?? '', `the body of ${definition.kind} \`${definition.name}\` was emptied by this edit`));
  }
  return violations;
}

function brokenSyntax(before: string, after: string, language: GuardLanguage, old: ParsedText, now: ParsedText): Violation[] {
  let line: number | null = null;
  if (language.json) {
    if (parsesAsJson(before) !== null) return [];
    line = parsesAsJson(after);
  } else if (language.grammar) {
    if (old.errorLine !== null) return [];
    line = now.errorLine;
  }
  if (line === null) return [];
  const text = after.split(/\r\n|\n|\r/)[line]?.trim() ?? '';
  return [
    {
      kind: 'malformed-syntax',
      severity: severityOf['malformed-syntax'],
      line,
      endLine: line,
      text,
      removedLines: [],
      message: `this edit broke the file's syntax (it parsed before): first error at line ${line + 1}`,
    },
  ];
}

/** null when the text is valid JSON, else the 0-based line of the error. */
function parsesAsJson(text: string): number | null {
  try {
    JSON.parse(text);
    return null;
  } catch (err) {
    const message = err instanceof Error ? err.message : '';
    const position = Number(/position (\d+)/.exec(message)?.[1] ?? text.length);
    return text.slice(0, position).split(/\r\n|\n|\r/).length - 1;
  }
}

function stub(line: number, text: string, message: string): Violation {
  return { kind: 'incomplete-code', severity: severityOf['incomplete-code'], line, endLine: line, text, removedLines: [], message };
}

/** A stub inside an abstract method (Python @abstractmethod, `abstract` members) is by design. */
function isAbstract(now: ParsedText, lines: string[], line: number): boolean {
  const owner = now.definitions.filter((d) => d.startLine <= line && d.endLine >= line).at(-1);
  if (!owner) return false;
  const head = lines.slice(Math.max(0, owner.startLine - 2), owner.startLine + 1).join('\n');
  return /@abstractmethod|\babstract\b/.test(head);
}

function inComment(comments: Comment[], line: number): boolean {
  return comments.some((c) => c.startLine <= line && c.endLine >= line);
}

function countBodies(comments: Comment[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of comments) {
    const body = commentBody(c.text).toLowerCase();
    counts.set(body, (counts.get(body) ?? 0) + 1);
  }
  return counts;
}

function countStubs(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of text.split(/\r\n|\n|\r/)) {
    if (isStub(line)) counts.set(line.trim(), (counts.get(line.trim()) ?? 0) + 1);
  }
  return counts;
}

const plurals: Record<string, string> = { method: 'class members', class: 'classes', rule: 'CSS rules', function: 'functions' };

function describe(kinds: string[]): string {
  const unique = [...new Set(kinds)];
  return unique.length === 1 ? (plurals[unique[0]] ?? `${unique[0]}s`) : 'definitions';
}

/**
 * The text with a placeholder drop undone: the placeholder comment's lines replaced by exactly
 * the lines the edit removed (what the "Restore the N dropped lines" quick fix writes).
 */
export function restoreDropped(after: string, violation: Violation): string {
  if (violation.kind !== 'placeholder-dropped') return after;
  const eol = /\r\n/.test(after) ? '\r\n' : '\n';
  const lines = after.split(/\r\n|\n|\r/);
  lines.splice(violation.line, violation.endLine - violation.line + 1, ...violation.removedLines);
  return lines.join(eol);
}
