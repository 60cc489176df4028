import { dropExtent } from './dropExtent';
import { hunksOf, linesOf, type Hunk } from './hunks';
import type { GuardLanguage } from './languages';
import { severityOf, type Violation } from './model';
import { commentBody, isPlaceholder, placeholderLine } from './placeholders';
import { isStub, isStubComment } from './stubs';
import { SyntaxTrees, type Comment, type Definition, type EditReading } from './syntaxTree';

/**
 * The guard (SPEC §2): compares the text before and after an agent edit and reports
 * placeholder drops, incomplete code and newly broken syntax. Diff first: a comment only
 * counts as a placeholder where the same hunk removed code that is gone from the file. Only
 * the changed lines (and the definitions around them) are read: the rest of both texts is the
 * same on both sides and cannot hold anything the edit did.
 */
export class Guard {
  constructor(readonly trees = new SyntaxTrees()) {}

  /**
   * `text` is the baseline of the open file `key`, what its next edit will be checked against:
   * its syntax tree is parsed now, in the background, so that check parses only the edit.
   * Kept until `releaseTree(key)` (the file closed) or the next baseline.
   */
  keepTree(key: string, text: string, language: GuardLanguage): void {
    this.trees.keep(key, text, language);
  }

  releaseTree(key: string): void {
    this.trees.release(key);
  }

  async checkEdit(before: string, after: string, language: GuardLanguage): Promise<Violation[]> {
    if (before === after) return [];
    const hunks = hunksOf(before, after);
    const read = await this.trees.readEdit(before, after, hunks, language);
    const newLines = linesOf(after);
    // Lines that stand for removed text without being comments read as comments here.
    const jsx = /react$/.test(language.id) || language.id === 'javascript';
    const proseOld = placeholderLines(hunks, 'old', read.old.comments, jsx);
    const proseNew = placeholderLines(hunks, 'new', read.now.comments, jsx);
    const reading: EditReading = {
      ...read,
      old: { ...read.old, comments: [...read.old.comments, ...proseOld].sort(byLine) },
      now: { ...read.now, comments: [...read.now.comments, ...proseNew].sort(byLine) },
    };
    const drops = placeholderDrops(hunks, reading, before, after, newLines);
    const stubs = language.notCode ? { violations: [], covers: () => false } : incompleteCode(hunks, reading, newLines, language);
    let broken = brokenSyntax(reading.broken, newLines);
    // One finding for one thing: a comment that stands for dropped code is the drop even if it
    // also asks for code; a placeholder that is no comment breaks the syntax by itself; and a
    // Python body that is only a stub or a placeholder comment (`def f():` over it) is that finding.
    const found = [...drops, ...stubs.violations.filter((v) => !drops.some((d) => d.line === v.line))];
    const python = language.grammar === 'tree-sitter-python.wasm';
    if (drops.some((d) => proseNew.some((p) => p.startLine === d.line)) || stubs.covers(reading.broken)) broken = [];
    else if (python && broken.length && found.some((v) => v.line > broken[0].line && v.line <= bodyEnd(newLines, broken[0].line))) broken = [];
    return [...found, ...broken].sort((a, b) => a.line - b.line);
  }
}

const byLine = (a: Comment, b: Comment) => a.startLine - b.startLine;

/** The lines the edit removed (`old`) or added (`new`) that are no comment but stand for removed text. */
function placeholderLines(hunks: Hunk[], side: 'old' | 'new', comments: Comment[], jsx: boolean): Comment[] {
  const out: Comment[] = [];
  for (const hunk of hunks) {
    const [start, lines] = side === 'old' ? [hunk.oldStart, hunk.removed] : [hunk.newStart, hunk.added];
    lines.forEach((line, i) => {
      const at = start + i;
      if (inComment(comments, at)) return;
      const text = placeholderLine(line, jsx);
      if (text !== undefined) out.push({ startLine: at, endLine: at, text });
    });
  }
  return out;
}

/** The last line of the indented block under `line` (comments and blank lines included): a Python body. */
function bodyEnd(lines: string[], line: number): number {
  const indent = (text: string) => text.length - text.trimStart().length;
  const own = indent(lines[line] ?? '');
  let end = line;
  for (let l = line + 1; l < lines.length; l++) {
    if (lines[l].trim() === '') continue;
    if (indent(lines[l]) <= own) break;
    end = l;
  }
  return end;
}

function placeholderDrops(hunks: Hunk[], { old, now }: EditReading, before: string, after: string, newLines: string[]): Violation[] {
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
  // The old text's lines only when there is a drop to measure: most edits have none, and an
  // agent's edit step would split the whole file for nothing.
  const oldLines = found.size ? linesOf(before) : [];
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

function incompleteCode(hunks: Hunk[], { old, now, broken }: EditReading, newLines: string[], language: GuardLanguage): { violations: Violation[]; covers: (line: number | null) => boolean } {
  const violations: Violation[] = [];
  const touched = (start: number, end: number) => hunks.some((h) => h.newStart <= end && start < h.newStart + Math.max(h.added.length, 1));
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
    if (!touched(body.startLine, body.endLine)) continue;
    // A body left with nothing but a stub comment (`// TODO: implement`) is reported once, at that line.
    if (violations.some((v) => v.line >= body.startLine && v.line <= body.endLine)) continue;
    if (was?.body && !was.body.empty) {
      violations.push(stub(body.startLine, newLines[body.startLine]?.trim() ?? '', `the body of ${definition.kind} \`${definition.name}\` was emptied by this edit`));
      continue;
    }
    // A new function whose body only asks for its implementation (`// ... add the caching logic here ...`).
    if (was || isAbstract(now.definitions, newLines, definition.startLine)) continue;
    const ask = now.comments.find((c) => c.startLine >= body.startLine && c.endLine <= body.endLine && isStubComment(c.text));
    if (ask) violations.push(stub(ask.startLine, ask.text.split(/\r\n|\n|\r/)[0].trim(), `new ${definition.kind} \`${definition.name}\` has only a comment for a body: it asks for the implementation instead of being one`));
  }
  if (language.grammar === 'tree-sitter-python.wasm') violations.push(...pythonStubs(old.definitions, now.definitions, newLines, touched, language));
  // Python's `def f():` over nothing but comments does not parse; when those comments ask for
  // the implementation it is reported as the stub it is.
  let covered: number | null = null;
  if (broken !== null && language.grammar === 'tree-sitter-python.wasm' && /^\s*(async\s+)?(def|class|if|elif|else|for|while|with|try|except|finally)\b/.test(newLines[broken] ?? '')) {
    const end = bodyEnd(newLines, broken);
    const ask = newLines.slice(broken + 1, end + 1).findIndex((l) => /^\s*#/.test(l) && isStubComment(l));
    if (ask !== -1 && !violations.some((v) => v.line === broken + 1 + ask)) {
      violations.push(stub(broken + 1 + ask, newLines[broken + 1 + ask].trim(), `\`${newLines[broken].trim()}\` has only a comment for a body: it asks for the implementation instead of being one (and Python cannot run it)`));
      covered = broken;
    }
  }
  return { violations, covers: (line) => line !== null && line === covered };
}

/**
 * A new Python function whose body is only `pass` (comments aside) is a stub, unless it is
 * meant to have none: an abstract method, an `@overload`, a method of a `Protocol`, a `.pyi`
 * stub file. Reported at the `pass`.
 */
function pythonStubs(old: Definition[], now: Definition[], lines: string[], touched: (s: number, e: number) => boolean, language: GuardLanguage): Violation[] {
  if (language.stubsByDesign) return [];
  const out: Violation[] = [];
  for (const definition of now) {
    if (definition.kind !== 'function' || !definition.body || !touched(definition.startLine, definition.endLine)) continue;
    if (old.some((d) => d.name === definition.name && d.kind === definition.kind)) continue;
    const statements = lines.slice(definition.body.startLine, definition.body.endLine + 1).map((l, i) => ({ text: l.trim(), line: definition.body!.startLine + i }));
    const code = statements.filter((s) => s.text && !s.text.startsWith('#'));
    if (code.length !== 1 || code[0].text !== 'pass') continue;
    const head = lines.slice(Math.max(0, definition.startLine - 3), definition.startLine + 1).join('\n');
    if (/@(abc\.)?abstractmethod|@(typing\.)?overload/.test(head)) continue;
    const owner = now.filter((d) => d.kind === 'class' && d.startLine < definition.startLine && d.endLine >= definition.endLine).at(-1);
    if (owner && /\bProtocol\b/.test(lines[owner.startLine] ?? '')) continue;
    out.push(stub(code[0].line, 'pass', `new function \`${definition.name}\` has only \`pass\` for a body: a stub where an implementation should be`));
  }
  return out;
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
