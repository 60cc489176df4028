import type { TraceCodeConfig } from './config';
import type { Site } from './sites';

/** A site and the file it is in. */
export interface SiteRef {
  file: string;
  site: Site;
}

export type TraceCodeProblemCode = 'duplicate-trace-code' | 'malformed-trace-code' | 'missing-trace-code' | 'retired-trace-code';

export interface TraceCodeProblem {
  code: TraceCodeProblemCode;
  site: Site;
  message: string;
  /** For a duplicate: the other sites of the same code. */
  others: SiteRef[];
}

/**
 * Every trace code site of a workspace, by file and by code, updated one file at a time: a
 * change re-reads one file, and `set` says which other files' problems may have changed with it
 * (those sharing a code that appeared or went away).
 */
export class TraceCodeIndex {
  private readonly byFile = new Map<string, Site[]>();
  private readonly filesByCode = new Map<string, Set<string>>();
  /** Codes the registry marks retired: using one again is a problem. */
  retired: ReadonlySet<string> = new Set();

  constructor(readonly config: TraceCodeConfig) {}

  /** Replaces a file's sites; returns the files whose problems may have changed. */
  set(file: string, sites: Site[]): Set<string> {
    const affected = this.delete(file);
    this.add(file, sites);
    for (const code of new Set(sites.map((s) => s.code))) for (const other of this.filesByCode.get(code) ?? []) affected.add(other);
    return affected;
  }

  /**
   * `set` for a scan: the same index, without working out which files the change affects (a
   * scan's caller rechecks every file after it, and on a dense tree that work is a third of
   * filling the index).
   */
  load(file: string, sites: Site[]): void {
    if (this.byFile.has(file)) this.set(file, sites);
    else this.add(file, sites);
  }

  /** Puts in the sites of a file that has none in the index. */
  private add(file: string, sites: Site[]): void {
    if (sites.length === 0) return;
    this.byFile.set(file, sites);
    for (const site of sites) {
      const files = this.filesByCode.get(site.code);
      if (files) files.add(file);
      else this.filesByCode.set(site.code, new Set([file]));
    }
  }

  /** Forgets a file; returns the files whose problems may have changed (itself included). */
  delete(file: string): Set<string> {
    const affected = new Set([file]);
    for (const site of this.byFile.get(file) ?? []) {
      const files = this.filesByCode.get(site.code);
      if (!files) continue;
      files.delete(file);
      for (const other of files) affected.add(other);
      if (files.size === 0) this.filesByCode.delete(site.code);
    }
    this.byFile.delete(file);
    return affected;
  }

  files(): string[] {
    return [...this.byFile.keys()];
  }

  sitesIn(file: string): readonly Site[] {
    return this.byFile.get(file) ?? [];
  }

  /** Every site of a code, ordered by file then line. */
  sitesOf(code: string): SiteRef[] {
    const refs: SiteRef[] = [];
    for (const file of [...(this.filesByCode.get(code) ?? [])].sort()) {
      for (const site of this.byFile.get(file) ?? []) if (site.code === code) refs.push({ file, site });
    }
    return refs;
  }

  /** Every code in use (well-formed or not, never the empty one). */
  codes(): string[] {
    return [...this.filesByCode.keys()].filter((c) => c !== '');
  }

  allSites(): SiteRef[] {
    return [...this.byFile.keys()].sort().flatMap((file) => this.byFile.get(file)!.map((site) => ({ file, site })));
  }

  /**
   * Codes with more than one site, by code; each code's sites ordered as sitesOf orders them.
   * One pass over `all` (allSites, which a caller usually has already): a dense tree has as many
   * duplicated codes as files, and a sitesOf per code cost more than the scan's output.
   */
  duplicates(all: readonly SiteRef[] = this.allSites()): { code: string; sites: SiteRef[] }[] {
    const byCode = new Map<string, SiteRef[]>();
    for (const ref of all) {
      if (ref.site.code === '') continue;
      const refs = byCode.get(ref.site.code);
      if (refs) refs.push(ref);
      else byCode.set(ref.site.code, [ref]);
    }
    const found: { code: string; sites: SiteRef[] }[] = [];
    for (const [code, sites] of byCode) if (sites.length > 1) found.push({ code, sites });
    return found.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  }

  problems(file: string): TraceCodeProblem[] {
    const problems: TraceCodeProblem[] = [];
    for (const site of this.sitesIn(file)) {
      if (site.code === '') {
        problems.push({ code: 'missing-trace-code', site, message: 'This site has no trace code yet', others: [] });
        continue;
      }
      if (!this.config.isWellFormed(site.code)) {
        problems.push({
          code: 'malformed-trace-code',
          site,
          message: `Trace code "${site.code}" does not match the format ${this.config.format}`,
          others: [],
        });
      }
      if (this.retired.has(site.code)) {
        problems.push({
          code: 'retired-trace-code',
          site,
          message: `Trace code "${site.code}" is retired in ${this.config.registry}: old logs that name it would lead here. Assign a new code.`,
          others: [],
        });
      }
      const all = this.sitesOf(site.code);
      if (all.length > 1) {
        const others = all.filter((r) => r.site !== site);
        problems.push({
          code: 'duplicate-trace-code',
          site,
          message: `Trace code "${site.code}" is used at ${all.length} sites: a log line naming it cannot tell which one threw`,
          others,
        });
      }
    }
    return problems;
  }
}
