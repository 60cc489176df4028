import { mkdir, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { finalStates } from '../engine/agent/run';
import { Store } from '../engine/store';

/**
 * Opens the workspace's database in the extension's workspace storage (SPEC §8), telling the
 * person when an unreadable file was moved aside. When another window holds it (or it cannot be
 * read), that file is left alone and this window works on a scratch database in the temp folder:
 * chat and runs work as usual but are forgotten when the window closes. Undefined without a
 * workspace (nothing to keep runs for).
 */
export async function openWorkspaceStore(storageUri: vscode.Uri | undefined, retention: number, log: vscode.LogOutputChannel): Promise<Store | undefined> {
  if (!storageUri) return undefined;
  await mkdir(storageUri.fsPath, { recursive: true });
  const store = await Store.open(path.join(storageUri.fsPath, 'plumbline.sqlite'), { keepRuns: retention, log });
  if (store.corrupt) void vscode.window.showWarningMessage(`Plumbline: the runs database was not readable (${store.corrupt.reason}). It was moved to ${store.corrupt.movedTo} and a new one started.`);
  if (store.readOnly) {
    void vscode.window.showWarningMessage(`Plumbline: ${store.readOnly.reason}. This window's conversations and runs are kept only until it closes.`);
    await store.close();
    const scratch = await mkdtemp(path.join(os.tmpdir(), 'plumbline-scratch-'));
    return Store.open(path.join(scratch, 'plumbline.sqlite'), { keepRuns: retention, log });
  }
  // This window holds the store's lock, so a run still going belongs to a window that is gone.
  for (const run of store.listRuns(1000).filter((r) => !finalStates.includes(r.state))) {
    store.updateRun(run.id, { state: 'stopped', error: 'VS Code closed during the run' });
  }
  return store;
}
