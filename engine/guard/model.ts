/** What the guard reports about one agent edit (SPEC §2). Lines are 0-based in the new text. */
export type ViolationKind = 'placeholder-dropped' | 'incomplete-code' | 'malformed-syntax';
export type ViolationSeverity = 'critical' | 'high';

export interface Violation {
  kind: ViolationKind;
  severity: ViolationSeverity;
  /** Where in the new text: the placeholder comment, the stub, the first broken construct. */
  line: number;
  endLine: number;
  /** The text at that place (the placeholder comment, the stub line). */
  text: string;
  /** For placeholder drops: the lines the edit removed, exactly as they were. */
  removedLines: string[];
  /** For placeholder drops: where the removed lines were in the old text. */
  removedFrom?: number;
  message: string;
}

export const severityOf: Record<ViolationKind, ViolationSeverity> = {
  'placeholder-dropped': 'critical',
  'incomplete-code': 'high',
  'malformed-syntax': 'high',
};

/**
 * A violation as the outside world sees it (SPEC §7's JSON, 1-based lines): the CLI, the hub and
 * the MCP server all answer with this shape.
 */
export function violationJson(v: Violation) {
  return {
    kind: v.kind,
    severity: v.severity,
    line: v.line + 1,
    endLine: v.endLine + 1,
    removedLines: v.removedLines,
    text: v.text,
    message: v.message,
  };
}
