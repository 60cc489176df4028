import { dropExtent } from './dropExtent';
import { hunksOf, linesOf, type Hunk } from './hunks';
import type { GuardLanguage } from './languages';
import { severityOf, type Violation } from './model';
import { commentBody, isPlaceholder } from './placeholders';
import { isStub } from './stubs';
import { SyntaxTrees, type Comment, type Definition, type EditReading } from './syntaxTree';

/**
 * The guard (SPEC §2): compares the text before and after an agent edit and reports
 * placeholder drops, incomplete code and newly broken syntax. Diff first: a comment only
 * counts as a placeholder where the same hunk removed code that is gone from the file. Only
 * the changed lines (and the definitions around them) are read: the rest of both texts is the
 * same on both sides and cannot hold anything the edit did.
 */
export class Guard {
  constructor(private readonly trees = new SyntaxTrees()) {}

  async checkEdit(before: string, after: string, language: GuardLanguage): Promise<Violation[]> {
    if (before === after) return [];
    const hunks = hunksOf(before, after);
    const reading = await this.trees.readEdit(before, after, hunks, language);
    const newLines = linesOf(after);
    const violations = [
      ...placeholderDrops(hunks, reading, after, linesOf(before), newLines),
      ...(language.notCode ? [] : incompleteCode(hunks, reading, newLines)),
      ...brokenSyntax(reading.broken, newLines),
    ];
    return violations.sort((a, b) => a.line - b.line);
  }
}

function placeholderDrops(hunks: Hunk[], { old, now }: EditReading, after: string, oldLines: string[], newLines: string[]): Violation[] {
  // Comment texts the edit removed and added: a placeholder the file already had (re-indented, moved) is not new.
  const oldCounts = countBodies(old.comments.filter((c) => hunks.some((h) => overlaps(c, h.oldStart, h.removed.length))));
  const newCounts = countBodies(now.comments.filter((c) => hunks.some((h) => overlaps(c, h.newStart, h.added.length))));
  let afterLines: Set<string> | undefined;
  const found = new Map<number, Comment>();
  hunks.forEach((hunk, i) => {
    if (hunk.removed.length === 0) return;
    const placeholder = now.comments.find((c) => {
      if (c.startLine < hunk.newStart || c.startLine >= hunk.newStart + Math.max(hunk.added.length, 1)) return false;
      if (!isPlaceholder(c.text)) return false;
      const body = commentBody(c.text).toLowerCase();
      return (newCounts.get(body) ?? 0) > (oldCounts.get(body) ?? 0);
    });
    if (!placeholder) return;
    // Code the edit removed and did not put anywhere else (moves and re-indents are not drops).
    const dropsCode = hunk.removed.some((line, j) => {
      const trimmed = line.trim();
      if (trimmed === '' || inComment(old.comments, hunk.oldStart + j)) return false;
      // Not even somewhere inside the new text: surely not one of its lines (and no set of them to build).
      if (!after.includes(trimmed)) return true;
      afterLines ??= new Set(newLines.map((l) => l.trim()));
      return !afterLines.has(trimmed);
    });
    if (dropsCode) found.set(i, placeholder);
  });
  const placeholders = new Set(found.keys());
  return [...found].map(([i, placeholder]) => {
    const drop = dropExtent(i, hunks, oldLines, newLines, old, now, placeholders);
    const names = outermost(old.definitions.filter((d) => d.startLine >= drop.oldStart && d.startLine < drop.oldStart + drop.removed.length));
    const what = names.length
      ? `: ${describe(names.map((d) => d.kind))} ${names.slice(0, 6).map((d) => `\`${d.name}\``).join(', ')}${names.length > 6 ? ` and ${names.length - 6} more` : ''}`
      : '';
    const text = placeholder.text.split(/\r\n|\n|\r/)[0].trim();
    const n = drop.removed.length;
    return {
      kind: 'placeholder-dropped',
      severity: severityOf['placeholder-dropped'],
      line: placeholder.startLine,
      endLine: placeholder.endLine,
      text: placeholder.text,
      removedLines: drop.removed,
      removedFrom: drop.oldStart,
      message: `\`${text}\` replaced ${n} line${n === 1 ? '' : 's'}${what}`,
    };
  });
}

function incompleteCode(hunks: Hunk[], { old, now }: EditReading, newLines: string[]): Violation[] {
  const violations: Violation[] = [];
  // The same stub, as many times as the edit removed it, is one the file already had (moved or re-indented).
  const removed = new Map<string, number>();
  for (const line of hunks.flatMap((h) => h.removed)) if (isStub(line)) removed.set(line.trim(), (removed.get(line.trim()) ?? 0) + 1);
  const seen = new Map<string, number>();
  for (const hunk of hunks) {
    hunk.added.forEach((line, i) => {
      if (!isStub(line)) return;
      const trimmed = line.trim();
      seen.set(trimmed, (seen.get(trimmed) ?? 0) + 1);
      if ((seen.get(trimmed) ?? 0) <= (removed.get(trimmed) ?? 0)) return;
      const at = hunk.newStart + i;
      if (isAbstract(now.definitions, newLines, at)) return;
      violations.push(stub(at, trimmed, `incomplete code added: \`${trimmed}\` stands where an implementation should be`));
    });
  }
  // Bodies the edit emptied: a function or method that had a body before and has none now.
  for (const definition of now.definitions) {
    const body = definition.body;
    if (!body?.empty) continue;
    const was = old.definitions.find((d) => d.name === definition.name && d.kind === definition.kind);
    if (!was?.body || was.body.empty) continue;
    if (!hunks.some((h) => h.newStart <= body.endLine && body.startLine < h.newStart + Math.max(h.added.length, 1))) continue;
    // A body left with nothing but a stub comment (`// TODO: implement`) is reported once, at that line.
    if (violations.some((v) => v.line >= body.startLine && v.line <= body.endLine)) continue;
    violations.push(stub(body.startLine, newLines[body.startLine]?.trim() ?? '', `the body of ${definition.kind} \`${definition.name}\` was emptied by this edit`));
  }
  return violations;
}

function brokenSyntax(line: number | null, newLines: string[]): Violation[] {
  if (line === null) return [];
  return [
    {
      kind: 'malformed-syntax',
      severity: severityOf['malformed-syntax'],
      line,
      endLine: line,
      text: newLines[line]?.trim() ?? '',
      removedLines: [],
      message: `this edit broke the file's syntax (it parsed before): the construct at line ${line + 1} does not parse`,
    },
  ];
}

function stub(line: number, text: string, message: string): Violation {
  return { kind: 'incomplete-code', severity: severityOf['incomplete-code'], line, endLine: line, text, removedLines: [], message };
}

/** A stub inside an abstract method (Python @abstractmethod, `abstract` members) is by design. */
function isAbstract(definitions: Definition[], lines: string[], line: number): boolean {
  const owner = definitions.filter((d) => d.startLine <= line && d.endLine >= line).at(-1);
  if (!owner) return false;
  const head = lines.slice(Math.max(0, owner.startLine - 2), owner.startLine + 1).join('\n');
  return /@abstractmethod|\babstract\b/.test(head);
}

/** Definitions not inside another one of the list: the methods a drop took, not their nested closures. */
function outermost(definitions: Definition[]): Definition[] {
  return definitions.filter((d) => !definitions.some((o) => o !== d && o.startLine <= d.startLine && o.endLine >= d.endLine && (o.startLine < d.startLine || o.endLine > d.endLine)));
}

function overlaps(c: Comment, start: number, length: number): boolean {
  return c.startLine < start + length && c.endLine >= start;
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
  const lines = linesOf(after);
  lines.splice(violation.line, violation.endLine - violation.line + 1, ...violation.removedLines);
  return lines.join(eol);
}
