import { realpath, stat } from 'node:fs/promises';
import { FileChangeType, type FileEvent } from 'vscode-languageserver/node';
import { URI } from 'vscode-uri';
import { isWithin, resolvesWithin, walkConfined } from '../engine/fs';
import { toPath } from './planService';

/**
 * VS Code's file watcher reports a folder created with files already in it (`mkdir -p
 * .kiro/specs/sync` and a tool writing its tasks.md, a `git checkout` of a new folder) as the
 * folder alone: files written before the watch reached the new folder are never reported. So a
 * created folder counts as the creation of every file in it. A deleted folder is passed on as it
 * is; the services forget what they held under it.
 */
export async function withFilesOfNewFolders(changes: readonly FileEvent[], folders: readonly string[]): Promise<FileEvent[]> {
  const out: FileEvent[] = [];
  for (const change of changes) {
    out.push(change);
    if (change.type !== FileChangeType.Created) continue;
    const folder = toPath(change.uri);
    const root = folder && folders.find((f) => isWithin(f, folder));
    if (!folder || !root || !(await isFolder(folder)) || !(await resolvesWithin(folder, folders))) continue;
    let count = 0;
    for await (const entry of walkConfined(await realpath(root), folder, { enter: (_relative, name) => !skipped.has(name) })) {
      if (entry.kind !== 'file') continue;
      out.push({ uri: URI.file(entry.path).toString(), type: FileChangeType.Created });
      // A folder of tens of thousands of files (a dependency tree) is not read file by file here.
      if (++count >= maxFiles) break;
    }
  }
  return out;
}

/** Folders whose files no service reads. */
const skipped = new Set(['node_modules', '.git', 'dist', 'out', 'build', '.vscode-test']);
const maxFiles = 5_000;

async function isFolder(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined))?.isDirectory() ?? false;
}
