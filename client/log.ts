import * as vscode from 'vscode';

/**
 * The one Plumbline log: a LogOutputChannel ("Plumbline" in the Output panel), whose level the
 * person sets with "Developer: Set Log Level". It satisfies engine/log's Logger as it is, so
 * engine code running in the extension host logs here too.
 */
export function createLog(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel('Plumbline', { log: true });
}
