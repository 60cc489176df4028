import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { Logger } from '../engine/log';
import { PlanEditResult, SetTaskStatusRequest, ToggleCheckboxRequest } from '../engine/protocol/lsp';

/**
 * Plan edits, whoever asks (code lens, command, tree, board): the server computes the minimal
 * edit and applies it as a WorkspaceEdit to the document the person sees, so it is undoable
 * and refused when the document changed underneath. A file that had no unsaved changes is
 * saved afterwards, so the plan on disk (which agents read) stays current; a file with unsaved
 * changes keeps them, with the edit on top, for the person to save.
 */
export async function setTaskStatus(
  client: LanguageClient,
  log: Logger,
  params: Omit<SetTaskStatusRequest.Params, 'version'> & { version?: number | null },
): Promise<boolean> {
  return edit(log, params.uri, params.version, (version) =>
    client.sendRequest(SetTaskStatusRequest.method, { ...params, version } satisfies SetTaskStatusRequest.Params),
  );
}

export async function toggleCheckboxes(
  client: LanguageClient,
  log: Logger,
  params: Omit<ToggleCheckboxRequest.Params, 'version'> & { version?: number | null },
): Promise<boolean> {
  return edit(log, params.uri, params.version, (version) =>
    client.sendRequest(ToggleCheckboxRequest.method, { ...params, version } satisfies ToggleCheckboxRequest.Params),
  );
}

async function edit(
  log: Logger,
  uri: string,
  expectedVersion: number | null | undefined,
  send: (version: number | null) => Promise<unknown>,
): Promise<boolean> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
  const wasDirty = open?.isDirty ?? false;
  // Without an expected version (tree, board), the edit applies to the text as it is now.
  const version = expectedVersion === undefined ? (open?.version ?? null) : expectedVersion;
  const parsed = PlanEditResult.safeParse(await send(version));
  if (!parsed.success) {
    log.error(`plan edit: the server answered with the wrong shape: ${parsed.error.message}`);
    return false;
  }
  const result = parsed.data;
  if (!result.applied) {
    void vscode.window.showWarningMessage(`Plumbline: ${result.message ?? 'the edit was not applied'}`);
    return false;
  }
  if (!wasDirty) {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
    if (document?.isDirty) await document.save();
  }
  return true;
}
