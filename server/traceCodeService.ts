import { isWithin, readRegularFile, resolvesWithin } from '../engine/fs';
import path from 'node:path';
import { DiagnosticSeverity, type Diagnostic, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import type { Logger } from '../engine/log';
import {
  findSites,
  isSourceFile,
  readRegistry,
  registeredCodes,
  registryPath,
  relativeTo,
  retiredCodes,
  scanTree,
  skippedFolders,
  traceCodeConfig,
  TraceCodeIndex,
  type Registry,
  type Site,
  type TraceCodeConfig,
  type TraceCodeProblem,
  type TraceCodeSettings,
} from '../engine/tracecodes';
import type { Diagnostics } from './diagnostics';
import { toPath } from './planService';

/**
 * The workspace's trace code sites (SPEC §3): scanned once at start, then kept current one file
 * at a time from editor changes and files changed on disk. Problems (duplicates, malformed,
 * missing, retired codes) are published for every file a change may affect, a few milliseconds
 * after the change.
 */
export class TraceCodeService {
  config: TraceCodeConfig = traceCodeConfig();
  index = new TraceCodeIndex(this.config);
  folders: string[] = [];
  private readonly registries = new Map<string, Registry | undefined>();
  /** Registries that exist but cannot be read: never written over, and said so. */
  private readonly registryErrors = new Map<string, string>();
  private readonly published = new Set<string>();
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private settingsKey = '';
  private scanned!: () => void;
  /** Resolves when the first scan is done: requests that need every site wait for it. */
  readonly ready = new Promise<void>((resolve) => (this.scanned = resolve));

  constructor(
    private readonly documents: TextDocuments<TextDocument>,
    private readonly diagnostics: Diagnostics,
    private readonly log: Logger,
  ) {}

  /** Takes settings; true when they changed what is scanned (the caller then scans again). */
  configure(folders: string[], settings: TraceCodeSettings | undefined): boolean {
    let config: TraceCodeConfig;
    try {
      config = traceCodeConfig(settings ?? {});
    } catch (err) {
      this.log.warn(`Trace codes: ${(err as Error).message}; using the defaults`);
      config = traceCodeConfig();
    }
    const key = JSON.stringify([folders, settings ?? {}]);
    const changed = key !== this.settingsKey;
    this.settingsKey = key;
    this.folders = folders;
    this.config = config;
    return changed;
  }

  async scan(): Promise<void> {
    const started = Date.now();
    this.index = new TraceCodeIndex(this.config);
    const { files, failures } = scanTree(this.folders, this.config, this.index);
    for (const failure of failures) this.log.warn(`Trace codes: cannot read ${failure.file}: ${failure.error}`);
    for (const document of this.documents.all()) this.updateFromEditor(document, false);
    await this.loadRegistries();
    this.log.info(`Trace codes: ${this.index.allSites().length} site(s) in ${files} source file(s), read in ${Date.now() - started} ms`);
    for (const file of this.index.files()) this.dirty.add(file);
    for (const uri of this.published) this.dirty.add(toPath(uri) ?? uri);
    this.scanned();
    this.schedule();
  }

  /** Sites follow the editor's text while a file is open. */
  updateFromEditor(document: TextDocument, publish = true): void {
    const file = toPath(document.uri);
    if (!file || !this.isWatched(file)) return;
    this.setSites(file, findSites(document.getText(), this.config), publish);
  }

  async changedOnDisk(uri: string, deleted: boolean): Promise<void> {
    const file = toPath(uri);
    if (!file) return;
    if (this.isRegistry(file)) {
      await this.loadRegistries();
      for (const f of this.index.files()) this.dirty.add(f);
      this.schedule();
      return;
    }
    // A deleted folder takes every file under it (a deleted file is no folder: no need to look).
    if (deleted && this.index.sitesIn(file).length === 0) for (const gone of this.index.files().filter((f) => isWithin(file, f))) this.setSites(gone, []);
    if (this.documents.get(uri) || !this.isWatched(file)) return;
    if (deleted) this.setSites(file, []);
    else await this.readFromDisk(file);
  }

  /** When an editor closes, the disk is the truth again. */
  async closed(uri: string): Promise<void> {
    const file = toPath(uri);
    if (file && this.isWatched(file)) await this.readFromDisk(file);
  }

  /** Codes a fresh one must avoid: every code in the workspace and every code any registry has recorded. */
  usedCodes(): string[] {
    return [...this.index.codes(), ...[...this.registries.values()].flatMap(registeredCodes)];
  }

  folderOf(file: string): string | undefined {
    return this.folders.find((f) => file === f || file.startsWith(f + path.sep));
  }

  registryFile(folder: string): string {
    return registryPath(folder, this.config.registry);
  }

  registryOf(folder: string): Registry | undefined {
    return this.registries.get(folder);
  }

  registryError(folder: string): string | undefined {
    return this.registryErrors.get(folder);
  }

  /** The sites of one workspace folder only: each folder keeps its own registry. */
  indexOf(folder: string): TraceCodeIndex {
    const local = new TraceCodeIndex(this.config);
    for (const file of this.index.files()) if (this.folderOf(file) === folder) local.set(file, [...this.index.sitesIn(file)]);
    local.retired = retiredCodes(this.registries.get(folder));
    return local;
  }

  /** Reads each folder's registry; a registry that cannot be read counts as none, and says so. */
  async loadRegistries(): Promise<void> {
    this.registries.clear();
    this.registryErrors.clear();
    for (const folder of this.folders) {
      try {
        this.registries.set(folder, await readRegistry(this.registryFile(folder)));
      } catch (err) {
        this.registryErrors.set(folder, (err as Error).message);
        this.log.warn(`Trace codes: ${(err as Error).message}`);
      }
    }
    this.index.retired = new Set([...this.registries.values()].flatMap((r) => [...retiredCodes(r)]));
  }

  private isRegistry(file: string): boolean {
    return this.folders.some((f) => this.registryFile(f) === file);
  }

  private isWatched(file: string): boolean {
    if (!isSourceFile(file)) return false;
    const folder = this.folderOf(file);
    if (!folder) return false;
    const relative = relativeTo(folder, file);
    return !relative.split('/').some((part) => skippedFolders.has(part)) && !this.config.isExcluded(relative);
  }

  private async readFromDisk(file: string): Promise<void> {
    // A link in the workspace that leads out holds no site of this workspace: never read.
    if (!(await resolvesWithin(file, this.folders))) {
      this.setSites(file, []);
      return;
    }
    try {
      this.setSites(file, findSites((await readRegularFile(file)).toString('utf8'), this.config));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') this.setSites(file, []);
      else this.log.warn(`Trace codes: cannot read ${file}: ${(err as Error).message}`);
    }
  }

  private setSites(file: string, sites: Site[], publish = true): void {
    const before = this.index.sitesIn(file);
    if (before.length === 0 && sites.length === 0) return;
    for (const affected of this.index.set(file, sites)) this.dirty.add(affected);
    if (publish) this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    // Short: typing `"0062"` should show the duplicate at once, yet a burst of changes is one publish.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.publish();
    }, 5);
  }

  private publish(): void {
    for (const file of this.dirty) {
      const uri = URI.file(file).toString();
      const problems = this.index.problems(file);
      if (problems.length === 0 && !this.published.has(uri)) continue;
      if (problems.length) this.published.add(uri);
      else this.published.delete(uri);
      this.diagnostics.set(uri, 'traceCodes', problems.map((p) => this.toDiagnostic(p)));
    }
    this.dirty.clear();
  }

  private toDiagnostic(problem: TraceCodeProblem): Diagnostic {
    const { site } = problem;
    return {
      range: siteRange(site),
      severity: problem.code === 'missing-trace-code' ? DiagnosticSeverity.Information : DiagnosticSeverity.Warning,
      source: 'Plumbline',
      code: problem.code,
      message: problem.message,
      relatedInformation: problem.others.length
        ? problem.others.map((o) => ({ location: { uri: URI.file(o.file).toString(), range: siteRange(o.site) }, message: `also "${o.site.code}"${o.site.key ? `: ${o.site.key}` : ''}` }))
        : undefined,
    };
  }
}

/** The range of a site's code; for an empty literal, its two quotes. */
export function siteRange(site: Site) {
  return site.code === ''
    ? { start: { line: site.line, character: site.character - 1 }, end: { line: site.line, character: site.character + 1 } }
    : { start: { line: site.line, character: site.character }, end: { line: site.line, character: site.character + site.code.length } };
}
