import * as vscode from 'vscode';
import { Workspace } from '../engine/agent/workspace';
import { decodeText } from '../engine/fs';

/** Read-only documents holding a file as it was before a run first changed it. */
const scheme = 'plumbline-checkpoint';

/**
 * "Open diff" on an edit in the chat: VS Code's diff of the run's checkpoint (the file before
 * the run touched it) against the file now. Checkpoints live in memory with their run, so a
 * run from before a restart has none; then the file opens on its own and the person is told.
 */
/** A run's files as they were before it changed them (absolute path → bytes, null for new files). */
export type ChangedFiles = (runId: string) => ReadonlyMap<string, Uint8Array | null> | undefined;

export function registerRunDiffs(changedFiles: ChangedFiles): vscode.Disposable {
  return vscode.workspace.registerTextDocumentContentProvider(scheme, {
    provideTextDocumentContent(uri) {
      const { runId, file } = JSON.parse(uri.query) as { runId: string; file: string };
      const before = changedFiles(runId)?.get(file);
      return before ? decodeText(before).text : '';
    },
  });
}

export async function openRunDiff(changedFiles: ChangedFiles, runId: string, relative: string): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) return;
  // The workspace's own check: a path from a webview message is confined like an agent's.
  const target = await new Workspace(folder.uri.fsPath).resolve(relative);
  const current = vscode.Uri.file(target.absolute);
  if (!changedFiles(runId)?.has(target.absolute)) {
    void vscode.window.showInformationMessage(`Plumbline: the checkpoint of ${target.relative} is no longer kept (runs of an earlier session, or more than 100 runs ago); showing the file as it is.`);
    await vscode.window.showTextDocument(current, { preview: true });
    return;
  }
  const before = vscode.Uri.from({ scheme, path: `/${target.relative}`, query: JSON.stringify({ runId, file: target.absolute }) });
  await vscode.commands.executeCommand('vscode.diff', before, current, `${target.relative} (before the run ↔ now)`, { preview: true });
}
