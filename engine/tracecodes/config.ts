import picomatch from 'picomatch';
import * as z from '../zodMini';

/**
 * Where trace codes live and what they look like (SPEC §3), as set in `plumbline.traceCodes.*`
 * or the CLI's defaults. A pattern names one kind of site:
 * - `new CustomError`: the first argument of a constructor call;
 * - `fail(`: the first argument of a function call (a trailing `(` marks a call);
 * - `trace:`: a property (`trace: "0108"`, `"trace": "0108"`, `trace="0108"` in Python keywords).
 * The format is one character class with a count, like the default `[0-9A-Za-z]{4}`: fresh codes
 * are drawn from that class, so an arbitrary regex is refused with a clear message.
 */
export const TraceCodeSettings = z.object({
  patterns: z._default(z.array(z.string().check(z.trim(), z.minLength(1))).check(z.minLength(1)), ['new CustomError', 'trace:']),
  format: z._default(z.string(), '[0-9A-Za-z]{4}'),
  registry: z._default(z.string().check(z.minLength(1)), 'trace-codes.json'),
  exclude: z._default(z.array(z.string()), []),
});
export type TraceCodeSettings = z.input<typeof TraceCodeSettings>;

export type SiteKind = 'constructor' | 'call' | 'property';

export interface TraceCodeConfig {
  /**
   * One global regex finding every site (groups 1–3: the literal's contents in "", '' or ``).
   * Shared: callers reset `lastIndex` and run it to the end synchronously.
   */
  readonly siteRegex: RegExp;
  /** The runtime form `0062-a9Fz` (group 1: the code); shared like siteRegex. */
  readonly runtimeRegex: RegExp;
  /** Literal words every site contains: a file without any of them is skipped unread. */
  readonly keywords: string[];
  readonly kinds: ReadonlyMap<string, SiteKind>;
  readonly format: string;
  readonly alphabet: string;
  readonly length: number;
  readonly registry: string;
  isWellFormed(code: string): boolean;
  /** A workspace-relative path (forward slashes) that `exclude` keeps out of the scan. */
  isExcluded(relative: string): boolean;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Expands a character class body (`0-9A-Za-z`, `A-F0-9_`) into its characters. */
function expandClass(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] === '\\' ? body[++i] : body[i];
    if (body[i + 1] === '-' && i + 2 < body.length) {
      const end = body[i + 2] === '\\' ? body[i + 3] : body[i + 2];
      for (let code = c.charCodeAt(0); code <= end.charCodeAt(0); code++) out += String.fromCharCode(code);
      i += body[i + 2] === '\\' ? 3 : 2;
    } else out += c;
  }
  return [...new Set(out)].join('');
}

/** Parses settings into a compiled config; throws an Error with a one-line message when they are unusable. */
export function traceCodeConfig(raw: TraceCodeSettings = {}): TraceCodeConfig {
  const parsed = TraceCodeSettings.safeParse(raw);
  if (!parsed.success) throw new Error(`trace code settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const settings = parsed.data;
  const format = /^\[((?:\\.|[^\]\\])+)\]\{(\d{1,2})\}$/.exec(settings.format);
  if (!format || Number(format[2]) < 1) {
    throw new Error(`trace code format "${settings.format}" must be one character class with a count, like [0-9A-Za-z]{4}`);
  }
  const alphabet = expandClass(format[1]);
  if (alphabet.length < 2 || /["'`\s\\]/.test(alphabet)) {
    throw new Error(`trace code format "${settings.format}" must allow at least two characters and no quotes, spaces or backslashes`);
  }
  const length = Number(format[2]);
  const kinds = new Map<string, SiteKind>();
  const alternatives: string[] = [];
  const keywords: string[] = [];
  for (const pattern of settings.patterns) {
    const ctor = /^new\s+([A-Za-z_$][\w$.]*)$/.exec(pattern);
    const call = /^([A-Za-z_$][\w$.]*)\s*\($/.exec(pattern);
    const prop = /^([A-Za-z_$][\w$]*)\s*:$/.exec(pattern);
    if (ctor) {
      kinds.set(ctor[1], 'constructor');
      alternatives.push(`\\bnew\\s+${escape(ctor[1])}\\s*\\(\\s*`);
      keywords.push(ctor[1]);
    } else if (call) {
      kinds.set(call[1], 'call');
      alternatives.push(`(?<![\\w$.])${escape(call[1])}\\s*\\(\\s*`);
      keywords.push(call[1]);
    } else if (prop) {
      kinds.set(prop[1], 'property');
      alternatives.push(`(?<![\\w$.])["']?${escape(prop[1])}["']?\\s*[:=]\\s*`);
      keywords.push(prop[1]);
    } else {
      throw new Error(`trace code pattern "${pattern}" must look like "new ErrorClass", "functionName(" or "property:"`);
    }
  }
  // One pass over the text: the name is captured by re-reading the match (cheaper than a group per pattern).
  const siteRegex = new RegExp(`(?:${alternatives.join('|')})(?:"([^"\\\\\\n]*)"|'([^'\\\\\\n]*)'|\`([^\`\\\\\\n$]*)\`)`, 'g');
  const wellFormed = new RegExp(`^${settings.format}$`);
  const excluded = settings.exclude.length ? picomatch(settings.exclude, { dot: true }) : () => false;
  return {
    siteRegex,
    runtimeRegex: new RegExp(`(?<![\\w-])([${format[1]}]{${length}})-([0-9A-Za-z]{4})(?![\\w-])`, 'g'),
    keywords,
    kinds,
    format: settings.format,
    alphabet,
    length,
    registry: settings.registry,
    isWellFormed: (code) => wellFormed.test(code),
    isExcluded: (relative) => excluded(relative),
  };
}
