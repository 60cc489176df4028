import path from 'node:path';
import type { SiteRef } from './codeIndex';
import type { TraceCodeConfig } from './config';
import { readTreeParallel, type ParallelOptions, type ScanResult, type SiteCollector } from './scan';

/** The two forms of `plumbline trace-codes scan`: the JSON of SPEC §7, or a line per site. */
export type ReportFormat = 'json' | 'lines';

/** How sites are shown: the prefix cut from paths (the root and a path separator), the form, and what follows each site's text. */
interface Shown {
  prefix: string;
  sep: string;
  json: boolean;
  /** A comma in JSON, a newline in lines. */
  separator: ',' | '\n';
}

/** The sites one thread kept: their texts as UTF-8 bytes, one after the other, and their codes. */
interface KeptTexts {
  /** The index of each file with sites, increasing. */
  files: Int32Array;
  /** For each file, the number of sites kept before its own; then the whole count. */
  firstSite: Int32Array;
  codes: string[];
  /**
   * Where each site's text ends in `bytes`. A separator follows it (a comma in JSON, a newline in
   * lines), and the next text starts after that: the texts of a run of files read one after the
   * other are already a list.
   */
  ends: Int32Array;
  bytes: Uint8Array;
}

/**
 * Keeps each site as the report shows it, made on the thread that read the file: a JSON object
 * (keys in the order JSON.stringify of { code, file, line, column, kind, name, key? } gives), or
 * `path:line:column  code  key`. A dense tree has 30,000 sites: objects sent to one thread and
 * made into one string there cost more than reading the files, so each thread writes its texts
 * as bytes (ASCII, almost always, copied as it is) and hands the buffer over without a copy. It
 * runs as source text in the scan's workers: it uses nothing but its argument.
 */
function siteTexts(shown: Shown): SiteCollector<KeptTexts> {
  const ascii = /^[\x00-\x7f]*$/;
  // `"kind":…,"name":…` by name: a pattern's name (an ASCII identifier) decides its kind.
  const kindAndName = new Map<string, string>();
  let bytes = Buffer.allocUnsafeSlow(1 << 20);
  let size = 0;
  const files: number[] = [];
  const firstSite: number[] = [];
  const codes: string[] = [];
  const ends: number[] = [];
  const write = (text: string, isAscii: boolean) => {
    // UTF-8 takes at most three bytes per UTF-16 unit.
    if (size + text.length * 3 > bytes.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(bytes.length * 2, size + text.length * 3));
      bytes.copy(bigger, 0, 0, size);
      bytes = bigger;
    }
    size += bytes.write(text, size, isAscii ? 'latin1' : 'utf8');
  };
  return {
    add(index, file, sites) {
      let relative = file.startsWith(shown.prefix) ? file.slice(shown.prefix.length) : file;
      if (shown.sep !== '/') relative = relative.split(shown.sep).join('/');
      const quoted = shown.json ? JSON.stringify(relative) : '';
      files.push(index);
      firstSite.push(codes.length);
      const texts: string[] = [];
      let isAscii = ascii.test(relative);
      for (const { code, line, character, kind, name, key } of sites) {
        let tail = kindAndName.get(name);
        if (tail === undefined) kindAndName.set(name, (tail = `"kind":${JSON.stringify(kind)},"name":${JSON.stringify(name)}`));
        texts.push(
          shown.json
            ? `{"code":${JSON.stringify(code)},"file":${quoted},"line":${line + 1},"column":${character + 1},${tail}${key !== undefined ? `,"key":${JSON.stringify(key)}` : ''}}`
            : `${relative}:${line + 1}:${character + 1}  ${code || '""'}${key ? `  ${key}` : ''}`,
        );
        codes.push(code);
        isAscii = isAscii && ascii.test(code) && (key === undefined || ascii.test(key));
      }
      // A file's texts in one write, where their UTF-8 is their UTF-16 units one for one; one by one otherwise.
      if (isAscii) {
        let text = '';
        for (const one of texts) {
          text += one;
          ends.push(size + text.length);
          text += shown.separator;
        }
        write(text, true);
        return;
      }
      for (const one of texts) {
        write(one, false);
        ends.push(size);
        write(shown.separator, true);
      }
    },
    finish() {
      firstSite.push(codes.length);
      const kept = { files: Int32Array.from(files), firstSite: Int32Array.from(firstSite), codes, ends: Int32Array.from(ends), bytes: new Uint8Array(bytes.buffer, 0, size) };
      return { result: kept, transfer: [kept.files.buffer, kept.firstSite.buffer, kept.ends.buffer, bytes.buffer as ArrayBuffer] };
    },
  };
}

function shownOf(shownFrom: string, format: ReportFormat): Shown {
  return { prefix: shownFrom.endsWith(path.sep) ? shownFrom : shownFrom + path.sep, sep: path.sep, json: format === 'json', separator: format === 'json' ? ',' : '\n' };
}

/** Each site's text as the report shows it (a lookup's answer shows its sites so). */
export function siteTextsOf(refs: readonly SiteRef[], shownFrom: string, format: ReportFormat): string[] {
  const kept = siteTexts(shownOf(shownFrom, format));
  refs.forEach((ref, i) => kept.add(i, ref.file, [ref.site]));
  const { ends, bytes } = kept.finish().result;
  return refs.map((_, i) => Buffer.from(bytes.buffer, bytes.byteOffset + startOf(ends, i), ends[i] - startOf(ends, i)).toString('utf8'));
}

/** Where a kept site's text starts: after the one before and its separator. */
const startOf = (ends: Int32Array, i: number) => (i ? ends[i - 1] + 1 : 0);

export interface ScanReport {
  /** The whole report, ending in a newline. */
  text: Buffer;
  /** True when some code is duplicated, malformed or missing (what `--check` fails on). */
  problems: boolean;
  /** Source files looked at. */
  files: number;
  failures: ScanResult['failures'];
}

/** Bytes appended to a buffer that grows. */
class ByteWriter {
  private bytes: Buffer;
  size = 0;

  constructor(expected: number) {
    this.bytes = Buffer.allocUnsafe(expected);
  }

  private room(more: number) {
    if (this.size + more <= this.bytes.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.size + more));
    this.bytes.copy(bigger, 0, 0, this.size);
    this.bytes = bigger;
  }

  text(text: string) {
    this.room(text.length * 3);
    this.size += this.bytes.write(text, this.size);
  }

  byte(byte: number) {
    this.room(1);
    this.bytes[this.size++] = byte;
  }

  copy(from: Uint8Array, start: number, end: number) {
    this.room(end - start);
    this.bytes.set(from.subarray(start, end), this.size);
    this.size += end - start;
  }

  /** Bytes already written, again: one builtin call, where a copy from another buffer makes a view each time. */
  again(start: number, end: number) {
    this.room(end - start);
    this.bytes.copyWithin(this.size, start, end);
    this.size += end - start;
  }

  done(): Buffer {
    return this.bytes.subarray(0, this.size);
  }
}

/**
 * The report of every site under a root: the sites in path order, then the codes used at more
 * than one site (by code), the malformed codes and the sites missing one. Paths are shown
 * relative to `shownFrom` (the root, or a file root's folder), with forward slashes.
 */
export async function scanReport(root: string, shownFrom: string, config: TraceCodeConfig, format: ReportFormat, options?: ParallelOptions): Promise<ScanReport> {
  const shown = shownOf(shownFrom, format);
  const { files, results: parts, failures } = await readTreeParallel([root], config, { collector: siteTexts, arg: shown }, options);
  // Every site, in file order (the walk's, which is path order): which thread's part, and where in it.
  const count = parts.reduce((n, p) => n + p.codes.length, 0);
  const partOfFile = new Int8Array(files.length).fill(-1);
  const slotOfFile = new Int32Array(files.length);
  for (let p = 0; p < parts.length; p++) {
    const kept = parts[p].files;
    for (let f = 0; f < kept.length; f++) {
      partOfFile[kept[f]] = p;
      slotOfFile[kept[f]] = f;
    }
  }
  const partOf = new Uint8Array(count);
  const siteOf = new Int32Array(count);
  const length = new Int32Array(count);
  for (let file = 0, s = 0; file < files.length; file++) {
    const p = partOfFile[file];
    if (p === -1) continue;
    const { firstSite, ends } = parts[p];
    for (let site = firstSite[slotOfFile[file]]; site < firstSite[slotOfFile[file] + 1]; site++, s++) {
      partOf[s] = p;
      siteOf[s] = site;
      length[s] = ends[site] - startOf(ends, site);
    }
  }
  // Each code's sites, and whether it is malformed (asked once per code).
  const byCode = new Map<string, { sites: number[]; malformed: boolean }>();
  const malformed: number[] = [];
  const missing: number[] = [];
  for (let s = 0; s < count; s++) {
    const code = parts[partOf[s]].codes[siteOf[s]];
    if (code === '') {
      missing.push(s);
      continue;
    }
    let same = byCode.get(code);
    if (same) same.sites.push(s);
    else byCode.set(code, (same = { sites: [s], malformed: !config.isWellFormed(code) }));
    if (same.malformed) malformed.push(s);
  }
  const duplicates = [...byCode.keys()]
    .filter((code) => byCode.get(code)!.sites.length > 1)
    .sort()
    .map((code) => [code, byCode.get(code)!] as const);

  // The output's size, told in advance: growing it would copy it and touch twice the memory.
  const sizeOf = (sites: number[]) => sites.reduce((n, s) => n + length[s] + 64, 64);
  const size = sizeOf([]) + length.reduce((n, l) => n + l + 1, 0) + sizeOf(malformed) + sizeOf(missing) + duplicates.reduce((n, [code, same]) => n + sizeOf(same.sites) + code.length * 6, 0);
  const separator = shown.separator.charCodeAt(0);
  const out = new ByteWriter(size);
  // Where each site's text is in the output, once the list of every site is written: the
  // duplicates, malformed and missing sites are copies of it.
  const at = new Int32Array(count);
  /** Every site in file order, with a separator between them: a run kept one after the other on one thread is one copy. */
  const all = () => {
    for (let s = 0; s < count; ) {
      const { ends, bytes } = parts[partOf[s]];
      let last = s;
      while (last + 1 < count && partOf[last + 1] === partOf[s] && siteOf[last + 1] === siteOf[last] + 1) last++;
      if (s > 0) out.byte(separator);
      const from = startOf(ends, siteOf[s]);
      for (let t = s; t <= last; t++) at[t] = out.size + startOf(ends, siteOf[t]) - from;
      out.copy(bytes, from, ends[siteOf[last]]);
      s = last + 1;
    }
  };
  const site = (s: number) => out.again(at[s], at[s] + length[s]);
  const list = (sites: number[]) => {
    for (let i = 0; i < sites.length; i++) {
      if (i) out.byte(separator);
      site(sites[i]);
    }
  };
  if (format === 'json') {
    out.text(`{"files":${files.length},"sites":[`);
    all();
    out.text('],"duplicates":[');
    duplicates.forEach(([code, same], d) => {
      out.text(`${d ? ',' : ''}{"code":${JSON.stringify(code)},"count":${same.sites.length},"sites":[`);
      list(same.sites);
      out.text(']}');
    });
    out.text('],"malformed":[');
    list(malformed);
    out.text('],"missing":[');
    list(missing);
    out.text(']}\n');
  } else {
    all();
    if (count) out.byte(separator);
    for (const [code, same] of duplicates) out.text(`duplicate: ${code} at ${same.sites.length} sites\n`);
    for (const s of malformed) {
      out.text('malformed: ');
      site(s);
      out.text(` (format ${config.format})\n`);
    }
    for (const s of missing) {
      out.text('missing: ');
      site(s);
      out.text('\n');
    }
    out.text(`${count} site(s) in ${files.length} file(s)\n`);
  }
  const problems = duplicates.length > 0 || malformed.length > 0 || missing.length > 0;
  return { text: out.done(), problems, files: files.length, failures };
}
