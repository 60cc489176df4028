import { z } from 'zod';
import { PlanSummary, SettableStatus } from './plans';

/**
 * Plumbline's own LSP messages, each declared once: its method, the zod schema of its params
 * (validated by the receiver) and its result. Both the client (client/) and the server
 * (server/) import these; nothing else names the method strings.
 */

/** Outcome of a plan edit: applied, or refused with a message for the person. */
export const PlanEditResult = z.object({ applied: z.boolean(), message: z.string().optional() });
export type PlanEditResult = z.infer<typeof PlanEditResult>;

/**
 * Sent by the client (code lens, tree, board, command) to set a task's status. The server
 * computes the minimal edit on its copy of the document and applies it with
 * workspace/applyEdit, versioned: when the document changed since `version`, nothing is applied
 * and the result says so.
 */
export namespace SetTaskStatusRequest {
  export const method = 'plumbline/setTaskStatus';
  export const params = z.object({
    uri: z.string(),
    taskId: z.string(),
    status: SettableStatus,
    /** The document version the request was made against; null when the file is not open. */
    version: z.number().int().nullable(),
    date: z.string().optional(),
  });
  export type Params = z.infer<typeof params>;
  export type Result = PlanEditResult;
}

/**
 * Sent by the client to toggle the checkboxes on some lines, in one edit (lines without a
 * checkbox are skipped). `text`, when given, is the checkbox text the requester saw on that
 * line: if the line now holds another checkbox, nothing is changed.
 */
export namespace ToggleCheckboxRequest {
  export const method = 'plumbline/toggleCheckbox';
  export const params = z.object({
    uri: z.string(),
    version: z.number().int().nullable(),
    boxes: z.array(z.object({ line: z.number().int().nonnegative(), text: z.string().optional() })).min(1).max(10_000),
  });
  export type Params = z.infer<typeof params>;
  export type Result = PlanEditResult;
}

/**
 * Sent by the server whenever plans change (a file edited in VS Code or on disk, created or
 * deleted): the plans that changed, and the uris of files that are no longer plans. The first
 * one of the server's life has `full: true` (replace what you have); after it, each adds,
 * changes and removes. While the server reads the workspace, `complete: false` ones bring the
 * plans read so far (open ones first); the read's last one has `complete: true`.
 */
export namespace PlansChangedNotification {
  export const method = 'plumbline/plansChanged';
  export const params = z.object({
    full: z.boolean(),
    /** False while the server is still reading the workspace's plans: more are coming. */
    complete: z.boolean(),
    changed: z.array(PlanSummary),
    removed: z.array(z.string()),
  });
  export type Params = z.infer<typeof params>;
}

/** Sent by the client ("Plumbline: Next Task"): the task to work on next across the workspace, or null. */
export namespace NextTaskRequest {
  export const method = 'plumbline/nextTask';
  export const params = z.object({});
  export const result = z.object({ uri: z.string(), line: z.number().int(), id: z.string(), title: z.string() }).nullable();
  export type Result = z.infer<typeof result>;
}

/** A guard finding as it crosses LSP (lines 0-based). */
export const GuardViolation = z.object({
  kind: z.enum(['placeholder-dropped', 'incomplete-code', 'malformed-syntax']),
  severity: z.enum(['critical', 'high']),
  line: z.number().int().nonnegative(),
  endLine: z.number().int().nonnegative(),
  text: z.string(),
  removedLines: z.array(z.string()),
  message: z.string(),
});
export type GuardViolation = z.infer<typeof GuardViolation>;

/**
 * Sent by the client (the agent engine, before it keeps a write) to guard an edit: the text
 * before and after, and the file it is for (its language comes from the name, or `languageId`).
 */
export namespace CheckEditRequest {
  export const method = 'plumbline/checkEdit';
  export const params = z.object({
    uri: z.string(),
    languageId: z.string().optional(),
    before: z.string().max(20_000_000),
    after: z.string().max(20_000_000),
  });
  export type Params = z.infer<typeof params>;
  export const result = z.object({ violations: z.array(GuardViolation) });
  export type Result = z.infer<typeof result>;
}

/**
 * Sent by the client for an edit an agent outside VS Code reported through the hub (it has
 * already written the file): the server takes `before` as the file's baseline, checks `after`
 * against it, and publishes the findings on the file with their quick fixes, like any edit
 * made outside the editor. Same params and result as `plumbline/checkEdit`.
 */
export namespace ReportedEditRequest {
  export const method = 'plumbline/reportedEdit';
  export const params = CheckEditRequest.params;
  export type Params = CheckEditRequest.Params;
  export const result = CheckEditRequest.result;
  export type Result = CheckEditRequest.Result;
}

/**
 * Sent by the server when it finds a critical violation (a placeholder drop) in a file changed
 * outside the editor, so the client can quarantine the agent that wrote it.
 */
export namespace CriticalViolationNotification {
  export const method = 'plumbline/criticalViolation';
  export const params = z.object({ uri: z.string(), violations: z.array(GuardViolation) });
  export type Params = z.infer<typeof params>;
}

/** A trace code site as it crosses LSP (0-based line and character of the code). */
export const TraceCodeSite = z.object({
  uri: z.string(),
  line: z.number().int().nonnegative(),
  character: z.number().int().nonnegative(),
  code: z.string(),
  key: z.string().optional(),
  context: z.string(),
});
export type TraceCodeSite = z.infer<typeof TraceCodeSite>;

/**
 * Sent by the client ("Plumbline: Go to Trace Code", links in terminals and output channels):
 * what the person has — a code (`0062`), a runtime code (`0062-a9Fz`) or a whole log line. The
 * server answers with the first code in it that has sites, and those sites.
 */
export namespace TraceCodeLookupRequest {
  export const method = 'plumbline/traceCodeLookup';
  export const params = z.object({ query: z.string().max(10_000) });
  export type Params = z.infer<typeof params>;
  export const result = z.object({ code: z.string().nullable(), sites: z.array(TraceCodeSite) });
  export type Result = z.infer<typeof result>;
}

/**
 * Sent by the client ("Plumbline: Update Trace Code Registry" and "… Check …"): writes each
 * workspace folder's registry (append-only), or with `check` only compares the code with it.
 */
export namespace TraceCodeRegistryRequest {
  export const method = 'plumbline/traceCodeRegistry';
  export const params = z.object({ check: z.boolean() });
  export type Params = z.infer<typeof params>;
  export const result = z.object({
    folders: z.array(
      z.object({
        registry: z.string(),
        codes: z.number().int(),
        added: z.array(z.string()),
        retired: z.array(z.string()),
        problems: z.array(z.object({ code: z.string(), problem: z.string(), sites: z.array(z.string()), message: z.string() })),
        error: z.string().optional(),
      }),
    ),
  });
  export type Result = z.infer<typeof result>;
}

/** Sent by the client ("Plumbline: New Trace Code"): a code used nowhere in the workspace nor in any registry. */
export namespace NewTraceCodeRequest {
  export const method = 'plumbline/newTraceCode';
  export const params = z.object({});
  export const result = z.object({ code: z.string() });
  export type Result = z.infer<typeof result>;
}
