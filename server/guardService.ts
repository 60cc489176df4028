import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readRegularFile, resolvesWithin } from '../engine/fs';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  CodeActionKind,
  DiagnosticSeverity,
  type CodeAction,
  type CodeActionParams,
  type Connection,
  type Diagnostic,
  type TextDocuments,
} from 'vscode-languageserver/node';
import type { TextDocument, TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import type { Logger } from '../engine/log';
import { Guard, languageOfFile, type GuardLanguage, type Violation } from '../engine/guard';
import { CriticalViolationNotification } from '../engine/protocol/lsp';
import type { Diagnostics } from './diagnostics';
import { toPath } from './planService';

const run = promisify(execFile);

/** The command behind "Accept this edit": clears the finding and moves the baseline. */
export const acceptEditCommand = 'plumbline.guard.acceptEdit';

interface Finding {
  violations: Violation[];
}

/**
 * Guards every edit (SPEC §2) against the file's baseline, its last clean content:
 * - on disk, when a file changes while it has no unsaved changes in VS Code (the client drops
 *   events for dirty files): the baseline is the last content the server saw, else git HEAD;
 * - in the editor, where agents that edit through `WorkspaceEdit` (Copilot's agent mode, Cline,
 *   Continue) and pastes of an agent's reply land: every change is checked, debounced, off the
 *   typing path. `placeholder-dropped` is reported whatever made the change; `incomplete-code`
 *   and `malformed-syntax` only once a change since the baseline arrived as one multi-line
 *   replacement, never for a person's keystrokes (nobody typing a new function is told its body
 *   is empty or that the file does not parse yet).
 * A clean check moves the baseline; saving does not bless a finding: it stays until the person
 * restores the dropped code or accepts the edit.
 */
export class GuardService {
  readonly guard = new Guard();
  private readonly baselines = new Map<string, string>();
  private readonly findings = new Map<string, Finding>();
  /** Files whose editor received a multi-line replacement since their baseline. */
  private readonly replacedSinceBaseline = new Set<string>();
  /** Files whose latest change was a multi-line replacement: checked at once, with no pause. */
  private readonly replacedJustNow = new Set<string>();
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  /** The newest check of each file (editor or disk): an older one that finishes later is dropped. */
  private readonly generations = new Map<string, number>();
  private folders: string[] = [];

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly diagnostics: Diagnostics,
    private readonly log: Logger,
  ) {}

  configure(folders: string[]): void {
    this.folders = folders;
  }

  /**
   * An editor opened the file: what it shows is the baseline, unless one is already kept. Its
   * syntax tree is parsed now, in the background, so the first edit's check parses only the edit.
   */
  opened(document: TextDocument): void {
    this.setBaseline(document.uri, this.baselines.get(document.uri) ?? document.getText());
  }

  /** The editor closed the file: its tree is freed (the baseline stays, for changes on disk). */
  closed(uri: string): void {
    this.guard.releaseTree(uri);
  }

  /** The file's baseline; an open file keeps its tree (a closed one would hold it for nothing). */
  private setBaseline(uri: string, text: string): void {
    this.baselines.set(uri, text);
    const file = toPath(uri);
    if (file && this.documents.get(uri)) this.guard.keepTree(uri, text, languageOfFile(file));
  }

  /** Saved: the check a change scheduled runs now; what it finds stands (saving blesses nothing). */
  async saved(document: TextDocument): Promise<void> {
    if (this.pending.has(document.uri)) await this.checkEditor(document.uri);
  }

  /** The content changes an editor sent, before they apply: remembers a multi-line replacement. */
  noteChanges(uri: string, changes: readonly TextDocumentContentChangeEvent[]): void {
    if (changes.some(isReplacement)) {
      this.replacedSinceBaseline.add(uri);
      this.replacedJustNow.add(uri);
    }
  }

  /**
   * The text changed in the editor (an agent, a paste, typing, undo, a quick fix): checked after
   * a pause in the typing, or at once after a replacement (an agent's edit is one event).
   */
  changedInEditor(document: TextDocument): void {
    clearTimeout(this.pending.get(document.uri));
    const pause = this.replacedJustNow.delete(document.uri) ? 0 : editorPauseMs;
    this.pending.set(
      document.uri,
      setTimeout(() => void this.checkEditor(document.uri), pause),
    );
  }

  private async checkEditor(uri: string): Promise<void> {
    clearTimeout(this.pending.get(uri));
    this.pending.delete(uri);
    const document = this.documents.get(uri);
    if (!document) return;
    const generation = this.nextGeneration(uri);
    await this.recheck(uri, document.getText(), undefined, { typed: !this.replacedSinceBaseline.has(uri), generation });
  }

  /** A new check of the file begins: the results of older ones, still running, will be dropped. */
  private nextGeneration(uri: string): number {
    const generation = (this.generations.get(uri) ?? 0) + 1;
    this.generations.set(uri, generation);
    return generation;
  }

  async changedOnDisk(uri: string): Promise<void> {
    const file = toPath(uri);
    if (!file) return;
    // Taken before reading: an editor check that starts while the file is read is newer.
    const generation = this.nextGeneration(uri);
    // A link in the workspace that leads out is not this workspace's file: never read.
    let after = (await resolvesWithin(file, this.folders)) ? await readText(file) : undefined;
    // An open file is read until the disk holds what the editor shows: VS Code saves by
    // truncating the file and then writing it, and a read in between would take an empty or cut
    // file for the agent's edit (and the finding for fixed); a write from outside reaches the
    // editor a moment after the disk.
    for (let waited = 0; after !== undefined && this.showsOtherText(uri, after) && waited < openFileSettleMs; waited += settlePollMs) {
      await new Promise((resolve) => setTimeout(resolve, settlePollMs));
      if (this.generations.get(uri) !== generation) return;
      after = await readText(file);
    }
    if (this.generations.get(uri) !== generation) return;
    // Never the same (the editor did not reload it): what the editor shows is checked as it changes.
    if (after !== undefined && this.showsOtherText(uri, after)) return;
    // Gone, or unreadable for a moment (an editor saving through a temporary file): while the
    // file is open, the editor holds its text, and its baseline and findings stay.
    if (after === undefined && this.documents.get(uri)) return;
    if (after === undefined) {
      this.baselines.delete(uri);
      this.clear(uri, 'the file is gone');
      return;
    }
    const root = this.gitRoot(file);
    if (root && (!(await gitIdle(root)) || (await this.matchesGit(root, file, after)))) {
      if (this.generations.get(uri) !== generation) return;
      // A checkout, pull or stash: git wrote it, not an agent.
      this.setBaseline(uri, after);
      this.clear(uri, 'git wrote the file');
      return;
    }
    const before = this.baselines.get(uri) ?? (root ? await this.gitVersion(root, file, 'HEAD') : undefined);
    if (before === undefined) {
      this.setBaseline(uri, after);
      return;
    }
    this.setBaseline(uri, before);
    await this.recheck(uri, after, undefined, { typed: false, generation });
  }

  /** True when the file is open and the editor shows another text than `text` (read from disk, BOM and all). */
  private showsOtherText(uri: string, text: string): boolean {
    const shown = this.documents.get(uri)?.getText();
    return shown !== undefined && shown !== text.replace(/^\uFEFF/, '');
  }

  /** An edit a hub agent reported: its `before` is the baseline, and its findings are published. */
  async reported(uri: string, before: string, after: string, language: GuardLanguage): Promise<Violation[]> {
    this.setBaseline(uri, before);
    return this.recheck(uri, after, language);
  }

  /** "Accept this edit": the file as it is now becomes the baseline. */
  async accept(uri: string): Promise<void> {
    const file = toPath(uri);
    const text = this.documents.get(uri)?.getText() ?? (file ? await readText(file) : undefined);
    if (text !== undefined) this.setBaseline(uri, text);
    this.replacedSinceBaseline.delete(uri);
    this.clear(uri);
    this.log.info(`Guard: edit accepted for ${file ?? uri}`);
  }

  codeActions({ textDocument, context }: CodeActionParams): CodeAction[] {
    const finding = this.findings.get(textDocument.uri);
    if (!finding) return [];
    const document = this.documents.get(textDocument.uri);
    const actions: CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      const index = (diagnostic.data as { guardIndex?: number } | undefined)?.guardIndex;
      const violation = index === undefined ? undefined : finding.violations[index];
      if (!violation) continue;
      if (violation.kind === 'placeholder-dropped' && document) {
        const eol = document.getText().includes('\r\n') ? '\r\n' : '\n';
        const endLineLength = document.getText({ start: { line: violation.endLine, character: 0 }, end: { line: violation.endLine + 1, character: 0 } }).replace(/\r?\n$/, '').length;
        actions.push({
          title: `Restore the ${violation.removedLines.length} dropped line${violation.removedLines.length === 1 ? '' : 's'}`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          isPreferred: true,
          edit: {
            changes: {
              [textDocument.uri]: [
                {
                  range: { start: { line: violation.line, character: 0 }, end: { line: violation.endLine, character: endLineLength } },
                  newText: violation.removedLines.join(eol),
                },
              ],
            },
          },
        });
      }
      actions.push({
        title: 'Accept this edit',
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        command: { title: 'Accept this edit', command: acceptEditCommand, arguments: [textDocument.uri] },
      });
    }
    return actions;
  }

  /**
   * Checks `after` against the baseline and publishes the findings. `typed`: the changes since
   * the baseline were all keystrokes, so only placeholder drops are reported (the baseline still
   * waits for clean content). `generation`: dropped if a newer check of the file started.
   */
  private async recheck(uri: string, after: string, language?: GuardLanguage, editor?: { typed: boolean; generation: number }): Promise<Violation[]> {
    const before = this.baselines.get(uri);
    const file = toPath(uri);
    if (before === undefined || !file) return [];
    const found = await this.guard.checkEdit(before, after, language ?? languageOfFile(file));
    if (editor && this.generations.get(uri) !== editor.generation) return [];
    if (found.length === 0) {
      this.setBaseline(uri, after);
      this.replacedSinceBaseline.delete(uri);
      this.clear(uri, 'the file is clean now');
      return [];
    }
    const violations = editor?.typed ? found.filter((v) => v.kind === 'placeholder-dropped') : found;
    if (violations.length === 0) {
      this.clear(uri, 'what is left came from typing');
      return [];
    }
    const isNew = !this.findings.has(uri);
    this.findings.set(uri, { violations });
    this.diagnostics.set(uri, 'guard', violations.map((v, i) => toDiagnostic(uri, v, i)));
    const critical = violations.filter((v) => v.severity === 'critical');
    if (critical.length && isNew) {
      const params: CriticalViolationNotification.Params = { uri, violations: critical };
      void this.connection.sendNotification(CriticalViolationNotification.method, params);
    }
    return violations;
  }

  /** Forgets the file's finding; `why`, when given, goes to the log (a finding that vanishes unexplained is a bug report). */
  private clear(uri: string, why?: string): void {
    if (!this.findings.delete(uri)) return;
    this.diagnostics.set(uri, 'guard', []);
    if (why) this.log.info(`Guard: finding cleared for ${toPath(uri) ?? uri}: ${why}`);
  }

  private gitRoot(file: string): string | undefined {
    for (const folder of this.folders) {
      if (file.startsWith(folder + path.sep) && existsSync(path.join(folder, '.git'))) return folder;
    }
    return undefined;
  }

  private async gitVersion(root: string, file: string, rev: string): Promise<string | undefined> {
    const relative = path.relative(root, file).split(path.sep).join('/');
    try {
      return (await run('git', ['show', `${rev}:${relative}`], { cwd: root, timeout: 10_000, maxBuffer: 64 * 1024 * 1024 })).stdout;
    } catch {
      return undefined; // not in git (new file) or git unavailable
    }
  }

  private async matchesGit(root: string, file: string, text: string): Promise<boolean> {
    const [head, index] = await Promise.all([this.gitVersion(root, file, 'HEAD'), this.gitVersion(root, file, '')]);
    return text === head || text === index;
  }
}

/**
 * Whether git let go of its index within a few seconds. git holds `.git/index.lock` while it
 * writes: through a checkout, until the index says what it wrote (the file then matches it);
 * for a `git status`, which VS Code's git extension runs after every save, only a moment. Taking
 * a lock as "git wrote this file" would wave through a drop saved at the moment of a status.
 */
function gitIdle(root: string): Promise<boolean> {
  // One wait per repository: a checkout changes many files at once, each asking.
  let waiting = gitWaits.get(root);
  if (!waiting) {
    waiting = waitForGitIndex(root).finally(() => gitWaits.delete(root));
    gitWaits.set(root, waiting);
  }
  return waiting;
}

const gitWaits = new Map<string, Promise<boolean>>();

async function waitForGitIndex(root: string): Promise<boolean> {
  const lock = path.join(root, '.git', 'index.lock');
  for (let waited = 0; existsSync(lock); waited += gitLockPollMs) {
    if (waited >= gitLockWaitMs) return false;
    await new Promise((resolve) => setTimeout(resolve, gitLockPollMs));
  }
  return true;
}

const gitLockPollMs = 50;
/** Longer than any `git status`; a checkout that holds the lock longer is taken as git's writing. */
const gitLockWaitMs = 5_000;

/** How long a disk change of an open file may take to show in the editor, and how often it is read meanwhile. */
const openFileSettleMs = 2_000;
const settlePollMs = 50;

/** How long the editor must be still before its text is checked: long enough to skip most keystrokes, short enough to feel immediate. */
const editorPauseMs = 120;

/**
 * A change that arrived as one multi-line replacement (an agent's `WorkspaceEdit`, a paste, a
 * snippet): text on two or more lines, or text with a line break over two or more old lines.
 * Enter (`\n` and indentation, or the pair of breaks between braces) is a keystroke.
 */
export function isReplacement(change: TextDocumentContentChangeEvent): boolean {
  if (!('range' in change)) return true;
  const lines = change.text.split(/\r\n|\n|\r/);
  const filled = lines.filter((line) => line.trim() !== '').length;
  return filled >= 2 || (filled >= 1 && lines.length >= 2 && change.range.end.line > change.range.start.line);
}

function toDiagnostic(uri: string, v: Violation, index: number): Diagnostic {
  const range = { start: { line: v.line, character: 0 }, end: { line: v.endLine, character: Number.MAX_SAFE_INTEGER } };
  const shown = v.removedLines.slice(0, 20).join('\n') + (v.removedLines.length > 20 ? `\n… ${v.removedLines.length - 20} more lines` : '');
  return {
    range,
    severity: v.severity === 'critical' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    source: 'Plumbline',
    code: v.kind,
    message: v.message,
    data: { guardIndex: index },
    relatedInformation: v.removedLines.length ? [{ location: { uri, range }, message: `Dropped code:\n${shown}` }] : undefined,
  };
}

/** A file's text as the server reads it: never from a FIFO or device (undefined then, as for a missing file). */
function readText(file: string): Promise<string | undefined> {
  return readRegularFile(file).then((bytes) => bytes.toString('utf8'), () => undefined);
}
