import { createHash } from 'node:crypto';
import { version } from '../version';
import { UsageError, type CliOptions, type CommandContext } from './command';

/**
 * How the checking commands (`check`, `plans --check`) print what they found: for a person, as
 * JSON of the command's own shape, as GitHub Actions workflow commands (annotations on the pull
 * request's lines), or as a SARIF 2.1.0 log (code scanning). One renderer for every command, so
 * a pull request reads the guard's and the plans' findings alike.
 */
export const formats = ['human', 'json', 'github', 'sarif'] as const;
export type Format = (typeof formats)[number];

/** `--json` stays, as the short form of `--format json`, for the scripts that already use it. */
export const formatOptions = { json: { type: 'boolean' }, format: { type: 'string' } } satisfies CliOptions;
export const formatUsage = '[--format human|json|github|sarif]';

export function outputFormat(values: CommandContext['values']): Format {
  const given = values.format;
  if (given === undefined) return values.json ? 'json' : 'human';
  const format = formats.find((f) => f === given);
  if (!format) throw new UsageError(`--format must be one of ${formats.join(', ')}, not "${String(given)}"`);
  if (values.json && format !== 'json') throw new UsageError(`--json and --format ${format} ask for two different outputs`);
  return format;
}

/** The guard's words (critical, high) extended down, so plan problems fit the same scale. */
export type Severity = 'critical' | 'high' | 'medium' | 'low';

/** One finding at a place in a file, whatever found it. */
export interface Annotation {
  /** Relative to the repository root, with forward slashes: both GitHub and SARIF resolve it there. */
  file: string;
  /** 1-based. */
  line: number;
  endLine?: number;
  severity: Severity;
  /** The violation kind or problem code. */
  rule: string;
  message: string;
  /** The text at that place (the placeholder comment, the stub, the plan line). */
  snippet?: string;
  /** The lines the change removed, as they were: what a reviewer has to see to judge a drop. */
  dropped?: string[];
  /** 1-based line of the first dropped line in the base. */
  droppedFrom?: number;
}

export interface Rule {
  id: string;
  description: string;
  /** How to fix it: code scanning shows it with the alert. */
  help: string;
  severity: Severity;
}

export interface Findings {
  annotations: Annotation[];
  /** Every rule the command can report, found or not: SARIF consumers list a tool's rules. */
  rules: readonly Rule[];
  /** One line: what was checked and how much was found. */
  summary: string;
}

export function render(format: Exclude<Format, 'json'>, findings: Findings): string {
  if (format === 'sarif') return `${JSON.stringify(sarifLog(findings), null, 2)}\n`;
  // GitHub shows the first ten errors of a step and drops the rest: the worst go first.
  const lines = format === 'github' ? bySeverity(findings.annotations).map(workflowCommand) : findings.annotations.map(humanLine);
  return [...lines, findings.summary, ''].join('\n');
}

const severityRank: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };
const bySeverity = (annotations: Annotation[]) => [...annotations].sort((a, b) => severityRank[a.severity] - severityRank[b.severity]);

export function humanLine(a: Annotation): string {
  return `${a.file}:${a.line}: ${a.severity}: ${a.message} (${a.rule})`;
}

// A drop of hundreds of lines would bury the pull request's page; the first ones say what it was.
const droppedShown = 40;

/** The message with the dropped code under it. */
function fullMessage(a: Annotation): string {
  if (!a.dropped?.length) return a.message;
  const where = a.droppedFrom ? ` (base lines ${a.droppedFrom}-${a.droppedFrom + a.dropped.length - 1})` : '';
  const more = a.dropped.length - droppedShown;
  return [a.message, `Dropped${where}:`, ...a.dropped.slice(0, droppedShown), ...(more > 0 ? [`... and ${more} more lines`] : [])].join('\n');
}

// Escaped as @actions/core's command.ts does: the runner splits on newlines, `::`, `,` and `=`.
const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

const workflowLevel: Record<Severity, string> = { critical: 'error', high: 'error', medium: 'warning', low: 'notice' };

function workflowCommand(a: Annotation): string {
  const properties = [`file=${escapeProperty(a.file)}`, `line=${a.line}`];
  if (a.endLine !== undefined) properties.push(`endLine=${a.endLine}`);
  properties.push(`title=${escapeProperty(`Plumbline ${a.rule}`)}`);
  return `::${workflowLevel[a.severity]} ${properties.join(',')}::${escapeData(fullMessage(a))}`;
}

const sarifLevel: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };

// The npm name "plumbline" is another project's; the extension's Marketplace id is this product's.
const informationUri = 'https://marketplace.visualstudio.com/items?itemName=plumbline.plumbline';

function sarifLog({ annotations, rules }: Findings) {
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const fingerprint = fingerprints();
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Plumbline',
            version,
            semanticVersion: version,
            informationUri,
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)(\w)/g, (_, _dash: string, c: string) => c.toUpperCase()),
              shortDescription: { text: r.description },
              fullDescription: { text: r.description },
              help: { text: r.help },
              defaultConfiguration: { level: sarifLevel[r.severity] },
            })),
          },
        },
        results: annotations.map((a) => ({
          ruleId: a.rule,
          ...(ruleIndex.has(a.rule) ? { ruleIndex: ruleIndex.get(a.rule) } : {}),
          level: sarifLevel[a.severity],
          message: { text: fullMessage(a) },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: a.file.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' },
                region: {
                  startLine: a.line,
                  ...(a.endLine !== undefined ? { endLine: a.endLine } : {}),
                  ...(a.snippet !== undefined ? { snippet: { text: a.snippet } } : {}),
                },
              },
            },
          ],
          partialFingerprints: { 'plumbline/v1': fingerprint(a) },
          properties: { severity: a.severity },
        })),
      },
    ],
  };
}

/**
 * What makes a finding the same one in the next run: its rule, file and text, not its line (an
 * edit above it moves it). The same text twice in a file is told apart by its order.
 */
function fingerprints(): (a: Annotation) => string {
  const seen = new Map<string, number>();
  return (a) => {
    const text = [a.snippet ?? a.message, ...(a.dropped ?? [])].map((l) => l.trim()).join('\n');
    const key = `${a.rule}\0${a.file}\0${text}`;
    const occurrence = (seen.get(key) ?? 0) + 1;
    seen.set(key, occurrence);
    return createHash('sha256').update(`${key}\0${occurrence}`).digest('hex').slice(0, 32);
  };
}
