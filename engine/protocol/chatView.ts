import { z } from 'zod';
import { messageSet, messageType, type MessageOf, type ViewProtocol } from './messages';

/**
 * Messages between the Chat webview view and the extension host. Compiled into both bundles;
 * each side validates what it receives against these declarations.
 */

// ── webview → host ──────────────────────────────────────────────────────────

/** Sent by the webview once it has rendered and can receive state. */
export const Ready = messageType('ready', z.object({}).strict());

/** Sent by the webview when the person asks to see Plumbline's log. */
export const ShowOutput = messageType('showOutput', z.object({}).strict());

/**
 * Sent by the webview when it received a message it could not accept, so that the problem lands
 * in the one Plumbline log instead of a devtools console nobody has open.
 */
export const ReportProblem = messageType('reportProblem', z.object({ message: z.string().max(2000) }).strict());

/** The choices the "No model configured" notice offers; without one the host asks for everything. */
export const ModelChoice = z.enum(['ollama', 'openai', 'anthropic', 'vscode-lm']);
export type ModelChoice = z.infer<typeof ModelChoice>;

/** Sent by the webview when the person picks how to configure the model. */
export const ConfigureModel = messageType('configureModel', z.object({ choice: ModelChoice.optional() }).strict());

export const fromWebview = messageSet(Ready, ShowOutput, ReportProblem, ConfigureModel);
export type FromWebview = MessageOf<(typeof fromWebview.types)[number]>;

// ── host → webview ──────────────────────────────────────────────────────────

/** Sent by the host in answer to `ready`, and whenever what the view shows changes. */
export const State = messageType(
  'state',
  z
    .object({
      version: z.string(),
      workspaceName: z.string().nullable(),
    })
    .strict(),
);

export type ChatState = z.infer<typeof State.params>;

/** Sent by the host after `ready` and whenever the model settings (or the editor's models) change. */
export const ModelStatus = messageType(
  'modelStatus',
  z
    .object({
      configured: z.boolean(),
      /** What agents run on, e.g. "qwen2.5-coder at http://localhost:11434/v1". */
      description: z.string().max(500).optional(),
      /** Whether the editor offers VS Code language models, so the view offers them too. */
      languageModels: z.boolean().optional(),
    })
    .strict(),
);

export type ModelStatusParams = z.infer<typeof ModelStatus.params>;

export const toWebview = messageSet(State, ModelStatus);
export type ToWebview = MessageOf<(typeof toWebview.types)[number]>;

export const chatProtocol: ViewProtocol<typeof fromWebview.types, typeof toWebview.types> = { fromWebview, toWebview };

/** The chat page's <title>: how tests find its frame in the workbench. */
export const chatTitle = 'Plumbline Chat';
