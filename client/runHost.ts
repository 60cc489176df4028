import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { execCommand } from '../engine/agent/exec';
import type { PlanAccess } from '../engine/agent/plans';
import type { RunEvent, RunHost } from '../engine/agent/run';
import type { ApprovalRequest } from '../engine/agent/tools';
import type { Workspace } from '../engine/agent/workspace';
import type { Violation } from '../engine/guard';
import { CheckEditRequest, ReportedEditRequest } from '../engine/protocol/lsp';
import type { AgentConfig } from './config';

/** Longer than the server needs for a large file, shorter than the engine's own 30 s limit. */
const GUARD_TIMEOUT_MS = 20_000;

export interface RunHostParts {
  client: LanguageClient;
  workspace: Workspace;
  plans: PlanAccess;
  config: AgentConfig;
  emit(event: RunEvent): void;
  /** The person's decisions and answers: the chat asks them. */
  approve(request: ApprovalRequest): Promise<boolean>;
  ask(question: string): Promise<string>;
  /** The model's key: no command of the agent's sees it. */
  secrets: string[];
}

/**
 * What a run needs from the editor: the guard of the language server, the chat for approvals
 * and questions, and commands run with the editor's environment as engine/agent/exec.ts cleans
 * it (no credentials, no model key, hardened git, no PATH entries in the workspace).
 */
export function createRunHost({ client, workspace, plans, config, emit, approve, ask, secrets }: RunHostParts): RunHost {
  const root = vscode.Uri.file(workspace.root);
  return {
    workspace,
    plans,
    guard: (relative, before, after) => guardThroughServer(client, vscode.Uri.joinPath(root, ...relative.split('/')), before, after),
    approve,
    ask,
    exec: async (command, cwd, timeoutMs, signal) => execCommand(command, cwd, timeoutMs, signal, { workspaceRoot: await workspace.realRoot(), secrets }),
    emit,
    autoApproveEdits: config.autoApproveEdits,
    allowedCommands: config.allowedCommands,
    hasUnsavedChanges: (file) => vscode.workspace.textDocuments.some((d) => d.isDirty && d.uri.scheme === 'file' && d.uri.fsPath === file),
  };
}

/**
 * The language server's guard, within a time limit. `reported`: an edit an agent outside VS Code
 * already wrote (the hub); its findings are published on the file as well.
 */
export async function guardThroughServer(client: LanguageClient, uri: vscode.Uri, before: string, after: string, options: { reported?: boolean } = {}): Promise<Violation[]> {
  // The server's guard diagnostics compare a change on disk with the last text it saw; a file
  // it never saw (no editor, no git) would have no baseline, and a drop would show no squiggle.
  // A reported edit brings its own baseline.
  if (!options.reported && existsSync(uri.fsPath)) await vscode.workspace.openTextDocument(uri).then(undefined, () => undefined);
  const request = options.reported ? ReportedEditRequest : CheckEditRequest;
  const cancel = new vscode.CancellationTokenSource();
  const timer = setTimeout(() => cancel.cancel(), GUARD_TIMEOUT_MS);
  const kept = options.reported ? '' : '; the edit was not kept';
  try {
    const params: CheckEditRequest.Params = { uri: uri.toString(), before, after };
    const raw: unknown = await client.sendRequest(request.method, params, cancel.token);
    return request.result.parse(raw).violations;
  } catch (err) {
    if (cancel.token.isCancellationRequested) throw new Error(`the guard did not answer within ${GUARD_TIMEOUT_MS / 1000} s${kept}`);
    throw new Error(`the guard could not check the edit (${err instanceof Error ? err.message : String(err)})${kept}`);
  } finally {
    clearTimeout(timer);
    cancel.dispose();
  }
}
