import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { readConfig } from './config';

/**
 * Starts Plumbline's language server (dist/server.js) in its own Node process over IPC. Its log
 * lines and, with `plumbline.trace.server`, the LSP traffic go to the Plumbline output channel.
 */
export function createLanguageClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // The guard and trace codes look at files of every language, plans at markdown.
    documentSelector: [{ scheme: 'file' }],
    outputChannel: output,
    traceOutputChannel: output,
    initializationOptions: { settings: readConfig() },
    synchronize: {
      // Settings changes reach the server as workspace/didChangeConfiguration; files changed
      // on disk (by agents outside VS Code, git, scripts) as didChangeWatchedFiles.
      configurationSection: 'plumbline',
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*'),
    },
    middleware: {
      // A file with unsaved changes is being edited by a person: a change on disk under it is
      // not the agent edit the guard looks for (and VS Code keeps the person's text anyway).
      workspace: {
        didChangeWatchedFile: async (event, next) => {
          const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === event.uri.toString());
          if (!open?.isDirty) await next(event);
        },
      },
    },
  };
  // The id "plumbline" makes the client read the `plumbline.trace.server` setting.
  return new LanguageClient('plumbline', 'Plumbline Language Server', serverOptions, clientOptions);
}
