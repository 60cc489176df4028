import { type Connection, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import path from 'node:path';
import { isWithin, resolvesWithin } from '../engine/fs';
import type { Logger } from '../engine/log';
import { isPlan, loadPlans, parsePlan, planFilter, PlanIndex, readPlanDocument, type PlanDocument, type PlanFilter } from '../engine/plans';
import { PlansChangedNotification } from '../engine/protocol/lsp';
import type { PlanSummary } from '../engine/protocol/plans';
import type { Diagnostics } from './diagnostics';
import { diagnosticsFor, summarize } from './planViews';

/**
 * The workspace's plans as the server knows them: files on disk, replaced by the editor's text
 * while a file is open. Changes are batched (one publish per 150 ms at most) into diagnostics
 * and a plumbline/plansChanged notification carrying only the plans that changed.
 */
export class PlanService {
  readonly index = new PlanIndex();
  private folders: string[] = [];
  private filter: PlanFilter = planFilter();
  /** Files that are not valid UTF-8: shown, never edited. */
  private readonly readOnly = new Set<string>();
  /** What was last sent per plan uri: its problems (as JSON), to send again only what changed. */
  private readonly sentProblems = new Map<string, string>();
  /** Files parsed again since the last publish. */
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private full = true;
  /** The scan under way, if any: publishing waits for it. */
  private scanning: symbol | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly diagnostics: Diagnostics,
    private readonly log: Logger,
  ) {}

  configure(folders: string[], include?: string[], exclude?: string[]): void {
    this.folders = folders;
    this.filter = planFilter(include?.length ? include : undefined, exclude?.length ? exclude : undefined);
  }

  /**
   * Reads every plan of the workspace folders; open documents win over the disk. The index is
   * filled in place (plans gone since the last scan are dropped at its end) and nothing is
   * published until the scan ends: a publish midway would tell the clients that every plan not
   * yet read again was removed, and report links to them as unknown.
   */
  async scan(): Promise<void> {
    const started = Date.now();
    const scan = (this.scanning = Symbol('scan'));
    const seen = new Set<string>();
    const readOnly = new Set<string>();
    try {
      if (this.folders.length) {
        const loaded = await loadPlans(this.folders, '/', this.filter, this.index);
        for (const file of loaded.files) seen.add(file);
        for (const file of loaded.readOnly) readOnly.add(file);
        for (const failure of loaded.failures) this.log.warn(`Plans: cannot read ${failure.file}: ${failure.error}`);
      }
    } finally {
      // A newer scan (settings changed meanwhile) finishes the job.
      if (this.scanning === scan) this.scanning = undefined;
    }
    if (this.scanning) return;
    for (const doc of this.index.documents()) if (!seen.has(doc.file)) this.index.delete(doc.file);
    this.readOnly.clear();
    for (const file of readOnly) this.readOnly.add(file);
    for (const doc of this.documents.all()) this.updateFromEditor(doc);
    this.log.info(`Plans: ${this.index.documents().length} plan file(s) read in ${Date.now() - started} ms`);
    this.full = true;
    this.schedule();
  }

  updateFromEditor(document: TextDocument): void {
    const file = toPath(document.uri);
    if (!file || !/\.(md|markdown)$/i.test(file) || this.isExcluded(file)) return;
    this.accept(parsePlan(file, document.getText()));
  }

  /** A file changed on disk; while it is open in the editor, the editor's text counts instead. */
  async changedOnDisk(uri: string, deleted: boolean): Promise<void> {
    const file = toPath(uri);
    if (!file || this.documents.get(uri)) return;
    if (deleted) {
      // A deleted folder takes every plan under it (a deleted plan is no folder: no need to look).
      const under = this.index.get(file) ? [] : this.index.documents().map((d) => d.file).filter((f) => isWithin(file, f));
      for (const gone of [file, ...under]) {
        this.dirty.add(gone);
        this.index.delete(gone);
      }
      this.schedule();
      return;
    }
    if (/\.(md|markdown)$/i.test(file) && !this.isExcluded(file)) await this.readFromDisk(file);
    this.schedule();
  }

  /** When an editor closes, the disk is the truth again. */
  async closed(uri: string): Promise<void> {
    const file = toPath(uri);
    if (file && this.index.get(file)) await this.readFromDisk(file);
    this.schedule();
  }

  isReadOnly(file: string): boolean {
    return this.readOnly.has(file);
  }

  private async readFromDisk(file: string): Promise<void> {
    // A link in the workspace that leads out is not a plan of this workspace: never read.
    if (!(await resolvesWithin(file, this.folders))) {
      this.forget(file);
      return;
    }
    try {
      const { doc, editable } = await readPlanDocument(file);
      if (editable) this.readOnly.delete(file);
      else this.readOnly.add(file);
      this.accept(doc);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') this.forget(file);
      else this.log.warn(`Plans: cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** A plan that is gone (or was never this workspace's): dropped, and the client told, like a deletion. */
  private forget(file: string): void {
    if (!this.index.get(file)) return;
    this.dirty.add(file);
    this.index.delete(file);
  }

  private accept(doc: PlanDocument): void {
    this.dirty.add(doc.file);
    if (isPlan(doc, this.relative(doc.file), this.filter)) this.index.set(doc);
    else this.index.delete(doc.file);
    this.schedule();
  }

  private isExcluded(file: string): boolean {
    return this.filter.isExcluded(this.relative(file));
  }

  relative(file: string): string {
    const folder = this.folders.find((f) => file.startsWith(f + path.sep)) ?? path.dirname(file);
    return path.relative(folder, file).split(path.sep).join('/');
  }

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.publish();
    }, 150);
  }

  /**
   * Sends diagnostics and summaries for the plans that changed since the last publish: those
   * parsed again, and those whose problems changed because of another file (a dependency's
   * title or status). Problems are cheap to recompute; summaries are built only when needed.
   */
  publish(): void {
    // The scan's end publishes everything.
    if (this.scanning) return;
    const changed: PlanSummary[] = [];
    const present = new Set<string>();
    for (const doc of this.index.documents()) {
      const uri = URI.file(doc.file).toString();
      present.add(uri);
      const problems = this.index.problems(doc.file);
      const problemsKey = JSON.stringify(problems);
      if (!this.full && !this.dirty.has(doc.file) && this.sentProblems.get(uri) === problemsKey) continue;
      if (this.sentProblems.get(uri) !== problemsKey || this.full) {
        this.diagnostics.set(uri, 'plans', diagnosticsFor(doc, problems));
      }
      this.sentProblems.set(uri, problemsKey);
      changed.push(summarize(uri, this.relative(doc.file), doc, problems));
    }
    const removed = [...this.sentProblems.keys()].filter((uri) => !present.has(uri));
    for (const uri of removed) {
      this.sentProblems.delete(uri);
      this.diagnostics.set(uri, 'plans', []);
    }
    if (this.full || changed.length || removed.length) {
      const params: PlansChangedNotification.Params = { full: this.full, changed, removed };
      void this.connection.sendNotification(PlansChangedNotification.method, params);
    }
    this.full = false;
    this.dirty.clear();
  }
}

export function toPath(uri: string): string | undefined {
  const parsed = URI.parse(uri);
  return parsed.scheme === 'file' ? parsed.fsPath : undefined;
}
