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
  /** What was last sent per plan uri: its problems (as JSON) in its summary, to send again only what changed. */
  private readonly sentProblems = new Map<string, string>();
  /** The same, for its diagnostics (which, mid-scan, only open plans get). */
  private readonly diagnosed = new Map<string, string>();
  /** Files parsed again since the last publish. */
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  /** No plumbline/plansChanged sent yet: the next one replaces what the clients hold. */
  private first = true;
  /** The scan under way, if any: until its end, only the plans read meanwhile are published. */
  private scanning: symbol | undefined;
  /** Callers of scanned(), woken when a scan ends. */
  private readonly waiting: (() => void)[] = [];
  private lastPublished = 0;
  /** Plans announced by the scan, not sent yet, and their tasks. */
  private midway: PlanSummary[] = [];
  private midwayTasks = 0;

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly diagnostics: Diagnostics,
    private readonly log: Logger,
  ) {
    // Kept current from the start: built later, on the first reference to another file, they
    // would be built whole with the thread held.
    this.index.keepLookups();
  }

  configure(folders: string[], include?: string[], exclude?: string[]): void {
    this.folders = folders;
    this.filter = planFilter(include?.length ? include : undefined, exclude?.length ? exclude : undefined);
  }

  /**
   * Reads every plan of the workspace folders; open documents win over the disk. The plans open
   * in editors go first, and the clients hear of them at once; then the rest, announced as they
   * are read (a thousand plans take seconds), and at the end what the whole workspace changed
   * (see publishWhileScanning and finishScan). The index is filled in place: nothing is removed
   * before the end, where plans gone since the last scan are dropped.
   */
  async scan(): Promise<void> {
    const started = Date.now();
    const scan = (this.scanning = Symbol('scan'));
    try {
      for (const document of this.documents.all()) this.updateFromEditor(document);
      this.publishWhileScanning();
      const seen = new Set<string>();
      const readOnly = new Set<string>();
      if (this.folders.length) {
        const loaded = await loadPlans(this.folders, '/', {
          filter: this.filter,
          index: this.index,
          keep: (file) => this.documents.get(URI.file(file).toString()) !== undefined,
          // Each plan is announced as it is read, its work spread over the read's slices; the
          // announcements go out every 100 ms, or sooner when they are many tasks: a message
          // is encoded and written in one turn, and parsed in one by the client.
          onPlan: (doc) => {
            if (this.scanning !== scan) return;
            const summary = this.announce(doc, true)!;
            this.midway.push(summary);
            this.midwayTasks += summary.tasks.length;
            if (this.midwayTasks >= midwayTasksMax || Date.now() - this.lastPublished >= scanPublishMs) this.publishWhileScanning();
          },
        });
        for (const file of loaded.files) seen.add(file);
        for (const file of loaded.readOnly) readOnly.add(file);
        for (const failure of loaded.failures) this.log.warn(`Plans: cannot read ${failure.file}: ${failure.error}`);
      }
      // A newer scan (settings changed meanwhile) finishes the job.
      if (this.scanning !== scan) return;
      for (const doc of this.index.documents()) {
        if (!seen.has(doc.file)) {
          this.dirty.add(doc.file);
          this.index.delete(doc.file);
        }
      }
      this.readOnly.clear();
      for (const file of readOnly) this.readOnly.add(file);
      for (const doc of this.documents.all()) this.updateFromEditor(doc);
      this.log.info(`Plans: ${this.index.documents().length} plan file(s) read in ${Date.now() - started} ms`);
      await this.finishScan(scan);
    } finally {
      if (this.scanning === scan) this.scanning = undefined;
      for (const wake of this.waiting.splice(0)) wake();
    }
  }

  /** Resolves once no scan is under way: for answers that need every plan (the next task). */
  async scanned(): Promise<void> {
    while (this.scanning) await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  updateFromEditor(document: TextDocument): void {
    const file = toPath(document.uri);
    if (!file || !/\.(md|markdown)$/i.test(file) || this.isExcluded(file)) return;
    this.accept(parsePlan(file, document.getText()));
    // A plan opened while the workspace is read for the first time goes out now, not after the pause that batches edits.
    if (this.scanning && !this.sentProblems.has(document.uri)) this.publishWhileScanning();
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
    if (this.scanning) return this.publishWhileScanning();
    const changed: PlanSummary[] = [];
    for (const doc of this.index.documents()) {
      const summary = this.announce(doc);
      if (summary) changed.push(summary);
    }
    this.dirty.clear();
    this.send(changed, this.removedPlans(), 'change');
  }

  /**
   * Mid-scan: the plans read since the last publish, added (never a removal), with their
   * problems but those about tasks no plan read so far holds: their plan may simply not be read
   * yet. Only the files read are visited; the whole workspace is gone through once, at the end.
   */
  private publishWhileScanning(): void {
    const changed = this.midway.splice(0);
    this.midwayTasks = 0;
    for (const file of this.dirty) {
      const doc = this.index.get(file);
      if (doc) changed.push(this.announce(doc, true)!);
    }
    this.dirty.clear();
    this.send(changed, [], 'midway');
  }

  /**
   * The scan's end: every plan's problems again (a plan read later may resolve a reference, or
   * close a cycle), sending only what changed and what is gone. Done in short slices, the
   * summaries sent as often as midway, so that requests are answered meanwhile and no message
   * carries the whole workspace.
   */
  private async finishScan(scan: symbol): Promise<void> {
    // The plans announced since the last message go first: the pass below tells only of changes.
    this.publishWhileScanning();
    let changed: PlanSummary[] = [];
    let slice = performance.now();
    for (const doc of this.index.documents()) {
      if (this.scanning !== scan) return;
      // Changed or gone while this pass waited: its own publish tells of it.
      if (this.index.get(doc.file) !== doc) continue;
      const summary = this.announce(doc);
      if (summary) changed.push(summary);
      if (performance.now() - slice < finishSliceMs) continue;
      // The summaries go out as often as midway; each turn lets the connection write a message.
      if (Date.now() - this.lastPublished >= scanPublishMs) {
        this.send(changed, [], 'midway');
        changed = [];
      }
      await new Promise((resolve) => setImmediate(resolve));
      slice = performance.now();
    }
    if (this.scanning !== scan) return;
    this.scanning = undefined;
    this.send(changed, this.removedPlans(), 'end');
  }

  /**
   * The plan's diagnostics, sent when its problems changed, and its summary when the clients
   * should hear of it again (read again, or its problems changed). Mid-scan, problems about
   * tasks no plan read so far holds are left out, and only open plans get their diagnostics:
   * the connection writes one message per turn of the event loop, so a diagnostics message
   * for every plan read would hold back each answer queued behind them; the rest get theirs
   * at the scan's end.
   */
  private announce(doc: PlanDocument, midScan = false): PlanSummary | undefined {
    const uri = URI.file(doc.file).toString();
    const open = this.documents.get(uri) !== undefined;
    // Mid-scan, cycles are looked for in open plans only: the rest get no diagnostics before the
    // end, and the end looks again at every plan, with every plan read.
    const all = this.index.problems(doc.file, { cycles: !midScan || open });
    const problems = midScan ? all.filter((p) => p.code !== 'unknown-dependency') : all;
    const key = JSON.stringify(problems);
    if ((!midScan || open) && this.diagnosed.get(uri) !== key) {
      // A plan never diagnosed that has no problems needs no (empty) message.
      if (problems.length || this.diagnosed.has(uri)) this.diagnostics.set(uri, 'plans', diagnosticsFor(doc, problems));
      this.diagnosed.set(uri, key);
    }
    const reread = this.dirty.delete(doc.file);
    if (this.sentProblems.get(uri) === key && !reread && !midScan) return undefined;
    this.sentProblems.set(uri, key);
    return summarize(uri, this.relative(doc.file), doc, problems);
  }

  /** Plans the clients were told of that the index no longer holds: their diagnostics cleared. */
  private removedPlans(): string[] {
    const removed: string[] = [];
    for (const uri of this.sentProblems.keys()) {
      const file = toPath(uri);
      if (file && this.index.get(file)) continue;
      removed.push(uri);
      this.sentProblems.delete(uri);
      if (this.diagnosed.delete(uri)) this.diagnostics.set(uri, 'plans', []);
    }
    return removed;
  }

  /**
   * One plumbline/plansChanged: `midway` while a scan reads (complete: false), `change` after
   * it, `end` the scan's last, which is sent even with nothing in it, to say every plan is read.
   * The first of the server's life replaces whatever the clients held (a restarted server's
   * plans); after it, each adds, changes and removes.
   */
  private send(changed: PlanSummary[], removed: string[], kind: 'midway' | 'change' | 'end'): void {
    this.lastPublished = Date.now();
    if (!changed.length && !removed.length && kind !== 'end' && !(this.first && kind === 'change')) return;
    const params: PlansChangedNotification.Params = { full: this.first, complete: kind !== 'midway', changed, removed };
    this.first = false;
    void this.connection.sendNotification(PlansChangedNotification.method, params);
  }
}

/**
 * How long the scan's end may hold the server before it lets requests in: about one plan, since
 * the connection writes one message per turn of the event loop and each plan may add one.
 */
const finishSliceMs = 2;

/** How often a scan shows the plans it has read so far. */
const scanPublishMs = 100;

/** Tasks in one message of a scan, at most (about 1 MB of JSON): sent sooner than every 100 ms when the plans read are big. */
const midwayTasksMax = 2000;

export function toPath(uri: string): string | undefined {
  const parsed = URI.parse(uri);
  return parsed.scheme === 'file' ? parsed.fsPath : undefined;
}
