import * as vscode from 'vscode';
import type { Logger } from '../engine/log';
import { chatProtocol, chatTitle, type ToWebview } from '../engine/protocol/chatView';
import { version } from '../engine/version';
import type { Models } from './models';
import { connectWebview, loadWebview } from './webviewHost';

/** The Chat webview view in the Plumbline sidebar container. */
export class ChatView implements vscode.WebviewViewProvider {
  static readonly id = 'plumbline.chat';

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly models: Models,
    private readonly log: Logger,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    loadWebview(view.webview, this.extensionUri, 'chat', chatTitle);
    const postModelStatus = async () => void connection.post({ method: 'modelStatus', params: await this.models.status() });
    const connection = connectWebview(
      'chat',
      view.webview,
      chatProtocol,
      {
        ready: async () => {
          await connection.post(this.state());
          await postModelStatus();
        },
        showOutput: () => void vscode.commands.executeCommand('plumbline.showOutput'),
        reportProblem: ({ message }) => this.log.warn(`chat view: ${message}`),
        configureModel: ({ choice }) => void vscode.commands.executeCommand('plumbline.configureModel', { choice }),
      },
      this.log,
    );
    const modelChanges = this.models.onDidChange(() => void postModelStatus());
    view.onDidDispose(() => {
      connection.subscription.dispose();
      modelChanges.dispose();
    });
  }

  private state(): ToWebview {
    return { method: 'state', params: { version, workspaceName: vscode.workspace.name ?? null } };
  }
}
