import path from 'node:path';
import { z } from 'zod';
import type { Violation } from '../../guard';
import type { PlanAccess } from '../plans';
import type { ToolCall, ToolSpec } from '../model';
import type { Workspace } from '../workspace';

/** Something the run must ask a person before a tool goes on. */
export type ApprovalRequest =
  | { kind: 'command'; command: string; reason: string }
  | { kind: 'edit'; path: string; reason: string };

/** What tools may do, provided by the run (and, through it, by the CLI or the extension). */
export interface ToolContext {
  workspace: Workspace;
  plans: PlanAccess;
  /** Guards an edit before it is kept (SPEC §2); `language`, a VS Code language id, instead of the one the path gives. */
  guard(relativePath: string, before: string, after: string, language?: string): Promise<Violation[]>;
  /** Keeps a file's exact bytes from before the run first touched it, for "Undo this run" (null: the file did not exist). */
  checkpoint(absolutePath: string, before: Uint8Array | null): Promise<void>;
  /** Resolves true when a person (or the headless policy) approves; the run shows waiting-approval meanwhile. */
  approve(request: ApprovalRequest): Promise<boolean>;
  /** A question for the person; the run shows waiting-user until the answer comes. */
  ask(question: string): Promise<string>;
  /** Runs a shell command in the workspace; killed when the run stops. */
  exec(command: string, cwd: string, timeoutMs: number): Promise<{ exitCode: number | null; output: string; timedOut: boolean }>;
  autoApproveEdits: boolean;
  allowedCommands: readonly string[];
  /** A file a person is editing and has not saved is never written over. */
  hasUnsavedChanges(absolutePath: string): boolean;
  signal: AbortSignal;
}

/** A tool's answer to the model, plus what the run must act on. */
export interface ToolResult {
  content: string;
  isError?: boolean;
  /** A critical guard finding: the agent is quarantined and the run stops. */
  quarantine?: { file: string; violations: Violation[] };
  /** The agent reported the task finished. */
  finish?: { success: boolean; summary: string };
  /** A file this call changed (workspace-relative), for the run's event log. */
  edited?: { file: string; violations: Violation[] };
  /** The answer as data too, for clients that take it (MCP's structured content). */
  structured?: Record<string, unknown>;
}

export interface Tool<S extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  schema: S;
  run(args: z.infer<S>, ctx: ToolContext): Promise<ToolResult>;
}

export function defineTool<S extends z.ZodType>(tool: Tool<S>): Tool {
  return tool as unknown as Tool;
}

const specs = new WeakMap<Tool, ToolSpec>();

/**
 * The tool as a model sees it. Every model call sends every tool's spec, and converting a zod
 * schema to JSON Schema costs about as much as the rest of an agent step: each tool's is made
 * once, and shared (providers copy what they send, never change it).
 */
export function toolSpec(tool: Tool): ToolSpec {
  let spec = specs.get(tool);
  if (!spec) {
    const schema = z.toJSONSchema(tool.schema, { target: 'draft-7' }) as Record<string, unknown>;
    delete schema.$schema;
    spec = { name: tool.name, description: tool.description, parameters: schema };
    specs.set(tool, spec);
  }
  return spec;
}

/**
 * Runs one call from the model. A bad call (unknown tool, arguments that are not JSON or do not
 * fit the schema, a path outside the workspace) comes back as an error result the model can act
 * on; the run goes on.
 */
export async function executeTool(tools: readonly Tool[], call: ToolCall, ctx: ToolContext): Promise<ToolResult> {
  const tool = tools.find((t) => t.name === call.name);
  if (!tool) return { isError: true, content: `There is no tool named "${call.name}". The tools are: ${tools.map((t) => t.name).join(', ')}.` };
  let json: unknown;
  try {
    json = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
  } catch (err) {
    return { isError: true, content: `The arguments of ${call.name} are not valid JSON (${(err as Error).message}). Send them again as one JSON object.` };
  }
  const parsed = tool.schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; ');
    return { isError: true, content: `Invalid arguments for ${call.name}: ${issues}.` };
  }
  try {
    return await untilStopped(tool.run(parsed.data, ctx), ctx.signal);
  } catch (err) {
    if (ctx.signal.aborted) return { isError: true, content: 'The run was stopped.' };
    return { isError: true, content: `${call.name} failed: ${await withoutRoot(ctx, (err as Error).message)}` };
  }
}

/**
 * A tool's work, cut short by Stop: whatever it waits on (a read, a search, a command whose
 * output never closes), the run gets its answer at once and ends within a second. The work
 * itself checks the signal before it writes anything.
 */
function untilStopped<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('stopped'));
  let onAbort: () => void = () => undefined;
  const stopped = new Promise<never>((_, reject) => {
    onAbort = () => reject(new Error('stopped'));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  work.catch(() => undefined); // its failure after a stop has nobody to tell
  return Promise.race([work, stopped]).finally(() => signal.removeEventListener('abort', onAbort));
}

/** Errors name files relative to the workspace: the model never sees where the workspace (or a temp file) is. */
async function withoutRoot(ctx: ToolContext, message: string): Promise<string> {
  const roots = [await ctx.workspace.realRoot().catch(() => ctx.workspace.root), ctx.workspace.root];
  let clean = message;
  for (const root of roots) clean = clean.split(root + path.sep).join('').split(root).join('.');
  return clean;
}
