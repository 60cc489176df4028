import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ChatView } from './chatView';
import { registerCommands } from './commands';
import { createLanguageClient } from './languageClient';
import { createLog } from './log';
import { PlansTree } from './plansTree';
import { RunsTree } from './runsTree';
import { createStatusBar } from './statusBar';

/** What activate() returns: used by the extension tests to look at the running pieces. */
export interface PlumblineApi {
  languageClient: LanguageClient;
}

let languageClient: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<PlumblineApi> {
  const log = createLog();
  log.info(`Plumbline ${context.extension.packageJSON.version as string} activating`);
  const client = createLanguageClient(context, log);
  languageClient = client;

  context.subscriptions.push(
    log,
    ...registerCommands({ log, languageClient: client }),
    vscode.window.registerWebviewViewProvider(ChatView.id, new ChatView(context.extensionUri, log), {
      webviewOptions: { retainContextWhenHidden: false },
    }),
    vscode.window.registerTreeDataProvider('plumbline.plans', new PlansTree()),
    vscode.window.registerTreeDataProvider('plumbline.runs', new RunsTree()),
    createStatusBar(client),
  );

  try {
    await client.start();
  } catch (err) {
    // The views and commands stay usable; the status bar shows the server as stopped.
    log.error(`The language server did not start: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { languageClient: client };
}

export async function deactivate(): Promise<void> {
  await languageClient?.stop();
}
