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

/** True when the line's text before `offset` starts a comment: a commented-out throw is not a site. */
function inLineComment(text: string, lineStart: number, offset: number): boolean {
  const before = text.slice(lineStart, offset).trimStart();
  return before.startsWith('//') || before.startsWith('/*') || before.startsWith('*') || before.startsWith('#') || before.startsWith('<!--');
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
  const sites: Site[] = [];
  const regex = config.siteRegex;
  regex.lastIndex = 0;
  let line = 0;
  let lineStart = 0;
  let nextNewline = text.indexOf('\n');
  for (let m = regex.exec(text); m; m = regex.exec(text)) {
    const code = m[1] ?? m[2] ?? m[3] ?? '';
    const end = m.index + m[0].length - 1;
    const start = end - code.length;
    while (nextNewline !== -1 && nextNewline < m.index) {
      line++;
      lineStart = nextNewline + 1;
      nextNewline = text.indexOf('\n', lineStart);
    }
    if (inLineComment(text, lineStart, m.index)) continue;
    // The name is in the text before the literal; a shorter name inside it (Error in CustomError) is not it.
    const name = [...config.kinds.keys()].filter((n) => text.slice(m.index, start).includes(n)).sort((a, b) => b.length - a.length)[0] ?? '';
    const kind = config.kinds.get(name) ?? 'property';
    const lineEnd = text.indexOf('\n', end);
    const rest = text.slice(end + 1, lineEnd === -1 ? undefined : lineEnd);
    const key = kind === 'property' ? undefined : /^\s*,\s*(?:"([^"\n]*)"|'([^'\n]*)'|`([^`\n]*)`)/.exec(rest);
    sites.push({
      code,
      line,
      character: start - lineStart,
      start,
      end,
      kind,
      name,
      key: key ? (key[1] ?? key[2] ?? key[3]) : undefined,
      context: text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd).trim().slice(0, 160),
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
