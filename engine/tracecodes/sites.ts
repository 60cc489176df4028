import type { SiteKind, TraceCodeConfig } from './config';

/** A trace code site: a string literal in a configured position (SPEC §3). Lines and characters are 0-based. */
export interface Site {
  /** The literal's contents: the code, or '' for a site still missing one. */
  code: string;
  line: number;
  /** Where the contents start (after the opening quote), in UTF-16 units from the line start. */
  character: number;
  /** Offsets of the contents in the text. */
  start: number;
  end: number;
  kind: SiteKind;
  /** The constructor, function or property name of the pattern that found it. */
  name: string;
  /** The error key: the second argument of a constructor or call, when it is a string literal. */
  key?: string;
  /** The source line, trimmed and shortened, to show where the site is. */
  context: string;
}

/** True when some keyword of a pattern occurs in the text: most files have none and are skipped. */
export function mayHaveSites(text: string, config: TraceCodeConfig): boolean {
  return config.keywords.some((k) => text.includes(k));
}

/**
 * Every site in a text, in order. Regex rather than a syntax tree: the scan must keep pace with
 * ripgrep over whole workspaces (SPEC §9), and a site is a literal right after a fixed prefix.
 * Lines that start as comments are skipped; a site inside a string spanning lines is not.
 */
export function findSites(text: string, config: TraceCodeConfig): Site[] {
  if (!mayHaveSites(text, config)) return [];
  return sitesIn(text, config.siteRegex, config.kinds);
}

/**
 * findSites without the keyword check, given the config's site regex (global) and kinds. It uses
 * nothing outside itself: the scan's worker threads run its source text (see scan.ts).
 */
export function sitesIn(text: string, regex: RegExp, kinds: ReadonlyMap<string, SiteKind>): Site[] {
  /**
   * True when the line's text before `offset` starts a comment: a commented-out throw is not a
   * site. Read in place (no slice per site: the scan of a dense tree does this 30,000 times).
   */
  const inLineComment = (lineStart: number, offset: number) => {
    const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13) || (c > 127 && /\s/.test(String.fromCharCode(c)));
    let at = lineStart;
    while (at < offset && isSpace(text.charCodeAt(at))) at++;
    if (at === offset) return false;
    return text.startsWith('//', at) || text.startsWith('/*', at) || text[at] === '*' || text[at] === '#' || text.startsWith('<!--', at);
  };
  // A copy of a slice that does not keep the whole text alive: V8 makes a slice of 13 or more
  // characters a view of its parent, so a site's context would hold its file's text in memory
  // (and the scan's garbage collector busy copying it). Concatenating and slicing flattens a copy.
  const detached = (slice: string) => (slice.length < 13 ? slice : ` ${slice}`.slice(1));
  // Longest first: a shorter name inside a longer one (Error in CustomError) is not the name.
  const names = [...kinds.keys()].sort((a, b) => b.length - a.length);
  const sites: Site[] = [];
  regex.lastIndex = 0;
  let line = 0;
  let lineStart = 0;
  let nextNewline = text.indexOf('\n');
  for (let m = regex.exec(text); m; m = regex.exec(text)) {
    const code = detached(m[1] ?? m[2] ?? m[3] ?? '');
    const end = m.index + m[0].length - 1;
    const start = end - code.length;
    while (nextNewline !== -1 && nextNewline < m.index) {
      line++;
      lineStart = nextNewline + 1;
      nextNewline = text.indexOf('\n', lineStart);
    }
    if (inLineComment(lineStart, m.index)) continue;
    // The name is in the text before the literal.
    const before = text.slice(m.index, start);
    const name = names.find((n) => before.includes(n)) ?? '';
    const kind = kinds.get(name) ?? 'property';
    const lineEnd = text.indexOf('\n', end);
    const key = kind === 'property' ? undefined : /^\s*,\s*(?:"([^"\n]*)"|'([^'\n]*)'|`([^`\n]*)`)/.exec(text.slice(end + 1, lineEnd === -1 ? undefined : lineEnd));
    sites.push({
      code,
      line,
      character: start - lineStart,
      start,
      end,
      kind,
      name,
      key: key ? detached(key[1] ?? key[2] ?? key[3]) : undefined,
      context: detached(text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd).trim().slice(0, 160)),
    });
  }
  return sites;
}

/** A trace code as it appears at runtime or in a log: `0062-a9Fz` (the code and a 4-character suffix). */
export interface RuntimeCode {
  code: string;
  /** The whole match, e.g. `0062-a9Fz`. */
  text: string;
  start: number;
  end: number;
}

/**
 * The runtime codes in a text (a log line, terminal output), whether or not they exist in the
 * workspace; callers keep those they know, so a date or a UUID fragment never becomes a link.
 */
export function runtimeCodesIn(text: string, config: TraceCodeConfig): RuntimeCode[] {
  const regex = config.runtimeRegex;
  regex.lastIndex = 0;
  const found: RuntimeCode[] = [];
  for (let m = regex.exec(text); m; m = regex.exec(text)) {
    found.push({ code: m[1], text: m[0], start: m.index, end: m.index + m[0].length });
  }
  return found;
}

/**
 * What a person pastes into "Go to Trace Code": a bare code (`0062`), a runtime code
 * (`0062-a9Fz`) or a whole log line. Returns the candidate codes, runtime forms first.
 */
export function codesInQuery(query: string, config: TraceCodeConfig): string[] {
  const trimmed = query.trim().replace(/^["'`]|["'`]$/g, '');
  const runtime = runtimeCodesIn(trimmed, config).map((r) => r.code);
  const bare = trimmed.split(/[^0-9A-Za-z_-]+/).filter((w) => config.isWellFormed(w));
  return [...new Set([...runtime, ...bare])];
}
