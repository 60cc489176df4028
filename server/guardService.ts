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
import type { TextDocument } from 'vscode-languageserver-textdocument';
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
 * Guards edits made outside the editor (SPEC §2): when a file changes on disk while it has no
 * unsaved changes in VS Code (the client drops events for dirty files), the new content is
 * checked against the file's baseline: the last content the server saw, else its git HEAD
 * version. A clean edit moves the baseline; a finding keeps it until the person restores the
 * dropped code or accepts the edit.
 */
export class GuardService {
  readonly guard = new Guard();
  private readonly baselines = new Map<string, string>();
  private readonly findings = new Map<string, Finding>();
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

  /** An editor opened the file: what it shows is the baseline, unless one is already kept. */
  opened(document: TextDocument): void {
    if (!this.baselines.has(document.uri)) this.baselines.set(document.uri, document.getText());
  }

  /** The person saved: their text is the new baseline. */
  saved(document: TextDocument): void {
    if (!this.findings.has(document.uri)) this.baselines.set(document.uri, document.getText());
  }

  /** The text changed in the editor (typing, undo, a quick fix): findings follow it. */
  async changedInEditor(document: TextDocument): Promise<void> {
    if (this.findings.has(document.uri)) await this.recheck(document.uri, document.getText());
  }

  async changedOnDisk(uri: string): Promise<void> {
    const file = toPath(uri);
    if (!file) return;
    // A link in the workspace that leads out is not this workspace's file: never read.
    const after = (await resolvesWithin(file, this.folders)) ? await readText(file) : undefined;
    if (after === undefined) {
      this.baselines.delete(uri);
      this.clear(uri);
      return;
    }
    const root = this.gitRoot(file);
    if (root && (existsSync(path.join(root, '.git', 'index.lock')) || (await this.matchesGit(root, file, after)))) {
      // A checkout, pull or stash: git wrote it, not an agent.
      this.baselines.set(uri, after);
      this.clear(uri);
      return;
    }
    const before = this.baselines.get(uri) ?? (root ? await this.gitVersion(root, file, 'HEAD') : undefined);
    if (before === undefined) {
      this.baselines.set(uri, after);
      return;
    }
    this.baselines.set(uri, before);
    await this.recheck(uri, after);
  }

  /** An edit a hub agent reported: its `before` is the baseline, and its findings are published. */
  async reported(uri: string, before: string, after: string, language: GuardLanguage): Promise<Violation[]> {
    this.baselines.set(uri, before);
    return this.recheck(uri, after, language);
  }

  /** "Accept this edit": the file as it is now becomes the baseline. */
  async accept(uri: string): Promise<void> {
    const file = toPath(uri);
    const text = this.documents.get(uri)?.getText() ?? (file ? await readText(file) : undefined);
    if (text !== undefined) this.baselines.set(uri, text);
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

  private async recheck(uri: string, after: string, language?: GuardLanguage): Promise<Violation[]> {
    const before = this.baselines.get(uri);
    const file = toPath(uri);
    if (before === undefined || !file) return [];
    const violations = await this.guard.checkEdit(before, after, language ?? languageOfFile(file));
    if (violations.length === 0) {
      this.baselines.set(uri, after);
      this.clear(uri);
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

  private clear(uri: string): void {
    if (this.findings.delete(uri)) this.diagnostics.set(uri, 'guard', []);
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
