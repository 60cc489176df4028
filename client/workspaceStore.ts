import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import { finalStates } from '../engine/agent/run';
import { Store } from '../engine/store';

/**
 * Opens the workspace's database in the extension's workspace storage (SPEC §8), telling the
 * person when it opened read-only or when an unreadable file was moved aside. Undefined without
 * a workspace (nothing to keep runs for).
 */
export async function openWorkspaceStore(storageUri: vscode.Uri | undefined, retention: number, log: vscode.LogOutputChannel): Promise<Store | undefined> {
  if (!storageUri) return undefined;
  await mkdir(storageUri.fsPath, { recursive: true });
  const store = await Store.open(path.join(storageUri.fsPath, 'plumbline.sqlite'), { keepRuns: retention, log });
  if (store.corrupt) void vscode.window.showWarningMessage(`Plumbline: the runs database was not readable (${store.corrupt.reason}). It was moved to ${store.corrupt.movedTo} and a new one started.`);
  if (store.readOnly) void vscode.window.showWarningMessage(`Plumbline: ${store.readOnly.reason}. Agent runs of this window are not recorded.`);
  if (!store.readOnly) {
    // This window holds the store's lock, so a run still going belongs to a window that is gone.
    for (const run of store.listRuns(1000).filter((r) => !finalStates.includes(r.state))) {
      store.updateRun(run.id, { state: 'stopped', error: 'VS Code closed during the run' });
    }
  }
  return store;
}
