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

/** Starts a new, empty conversation and makes it the active one. */
export const NewConversation = messageType('newConversation', z.object({}).strict());
/** Makes a conversation the active one; the host answers with `conversation`. */
export const SelectConversation = messageType('selectConversation', z.object({ id: z.string().min(1) }).strict());
export const RenameConversation = messageType('renameConversation', z.object({ id: z.string().min(1), title: z.string().trim().min(1).max(200) }).strict());
/** The host asks the person to confirm before it deletes. */
export const DeleteConversation = messageType('deleteConversation', z.object({ id: z.string().min(1) }).strict());
/** A prompt for the agent, in the active conversation (a new one when there is none). */
export const Send = messageType('send', z.object({ text: z.string().trim().min(1).max(100_000) }).strict());
/** Stops the active conversation's run. */
export const Stop = messageType('stop', z.object({}).strict());
/** The person's decision on an `approval` item (its id). */
export const Decide = messageType('decide', z.object({ id: z.string().min(1), approved: z.boolean() }).strict());
/** The person's answer to a `question` item (its id). */
export const Answer = messageType('answer', z.object({ id: z.string().min(1), text: z.string().max(20_000) }).strict());
/** Opens VS Code's diff of a file a run edited: the run's checkpoint against the file now. */
export const OpenDiff = messageType('openDiff', z.object({ runId: z.string().min(1), file: z.string().min(1) }).strict());
/** Opens a workspace file (relative path) at a 0-based line. */
export const OpenFile = messageType('openFile', z.object({ file: z.string().min(1), line: z.number().int().nonnegative().optional() }).strict());

export const fromWebview = messageSet(
  Ready,
  ShowOutput,
  ReportProblem,
  ConfigureModel,
  NewConversation,
  SelectConversation,
  RenameConversation,
  DeleteConversation,
  Send,
  Stop,
  Decide,
  Answer,
  OpenDiff,
  OpenFile,
);
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

/**
 * One entry of a conversation's transcript. The host builds them from the runs' events
 * (engine/agent/transcript.ts) and the view only renders them; `id` is stable, so an item sent
 * again replaces the one the view has.
 */
export const ChatItem = z.discriminatedUnion('kind', [
  /** What the person asked. */
  z.object({ kind: z.literal('user'), id: z.string(), text: z.string() }).strict(),
  /** The model's text: markdown, rendered inert (no raw HTML, no remote images, no command links). */
  z.object({ kind: z.literal('assistant'), id: z.string(), text: z.string(), streaming: z.boolean() }).strict(),
  /** A tool call, its arguments (JSON text as the model sent it) and, once it ran, its result. */
  z
    .object({
      kind: z.literal('tool'),
      id: z.string(),
      name: z.string(),
      arguments: z.string(),
      status: z.enum(['running', 'ok', 'error']),
      result: z.string().optional(),
      durationMs: z.number().nonnegative().optional(),
      /** A file the call changed: "Open diff" shows it against the run's checkpoint. */
      edit: z.object({ runId: z.string(), file: z.string(), findings: z.number().int().nonnegative() }).strict().optional(),
    })
    .strict(),
  /** The agent wants to run a command or write a protected path; pending until the person decides. */
  z
    .object({
      kind: z.literal('approval'),
      id: z.string(),
      request: z.enum(['command', 'edit']),
      /** The command line, or the workspace-relative path. */
      subject: z.string(),
      reason: z.string(),
      status: z.enum(['pending', 'approved', 'denied']),
    })
    .strict(),
  /** The agent asks the person; pending while `answer` is absent. */
  z.object({ kind: z.literal('question'), id: z.string(), question: z.string(), answer: z.string().optional() }).strict(),
  /** Something the person should see that is not the model's: retries, errors, quarantine. */
  z.object({ kind: z.literal('notice'), id: z.string(), level: z.enum(['info', 'warning', 'error']), text: z.string() }).strict(),
  /** How a run ended. */
  z
    .object({
      kind: z.literal('result'),
      id: z.string(),
      runId: z.string(),
      state: z.enum(['done', 'failed', 'stopped', 'quarantined']),
      summary: z.string().optional(),
      error: z.string().optional(),
      steps: z.number().int().nonnegative(),
      tokens: z.number().int().nonnegative(),
      cost: z.number().nonnegative(),
    })
    .strict(),
]);
export type ChatItem = z.infer<typeof ChatItem>;

export const ConversationSummary = z.object({ id: z.string(), title: z.string(), updatedAt: z.number() }).strict();
export type ConversationSummary = z.infer<typeof ConversationSummary>;

export const Usage = z.object({ input: z.number().int().nonnegative(), output: z.number().int().nonnegative(), cost: z.number().nonnegative() }).strict();
export type Usage = z.infer<typeof Usage>;

/** Every conversation, newest first, and which one is active (null: none yet). */
export const Conversations = messageType('conversations', z.object({ items: z.array(ConversationSummary), activeId: z.string().nullable() }).strict());

/** The whole active conversation: sent when it becomes active and after `ready`. */
export const Conversation = messageType(
  'conversation',
  z.object({ id: z.string(), title: z.string(), items: z.array(ChatItem), running: z.boolean(), usage: Usage }).strict(),
);
export type ConversationParams = z.infer<typeof Conversation.params>;

/** Adds an item to the active conversation, or replaces the one with its id. */
export const Item = messageType('item', z.object({ conversationId: z.string(), item: ChatItem }).strict());

/** More streamed text for an `assistant` item (sent instead of the whole item while it streams). */
export const TextDelta = messageType('textDelta', z.object({ conversationId: z.string(), itemId: z.string(), text: z.string() }).strict());

/** Whether the conversation's run is going (the view shows Stop), and its tokens and cost so far. */
export const RunStatus = messageType('runStatus', z.object({ conversationId: z.string(), running: z.boolean(), usage: Usage }).strict());

export const toWebview = messageSet(State, ModelStatus, Conversations, Conversation, Item, TextDelta, RunStatus);
export type ToWebview = MessageOf<(typeof toWebview.types)[number]>;

export const chatProtocol: ViewProtocol<typeof fromWebview.types, typeof toWebview.types> = { fromWebview, toWebview };

/** The chat page's <title>: how tests find its frame in the workbench. */
export const chatTitle = 'Plumbline Chat';
