import * as vscode from 'vscode';
import type { Logger } from '../engine/log';
import { chatProtocol, chatTitle, type ToWebview } from '../engine/protocol/chatView';
import { version } from '../engine/version';
import { connectWebview, loadWebview } from './webviewHost';

/** The Chat webview view in the Plumbline sidebar container. */
export class ChatView implements vscode.WebviewViewProvider {
  static readonly id = 'plumbline.chat';

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Logger,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    loadWebview(view.webview, this.extensionUri, 'chat', chatTitle);
    const connection = connectWebview(
      'chat',
      view.webview,
      chatProtocol,
      {
        ready: () => void connection.post(this.state()),
        showOutput: () => void vscode.commands.executeCommand('plumbline.showOutput'),
        reportProblem: ({ message }) => this.log.warn(`chat view: ${message}`),
      },
      this.log,
    );
    view.onDidDispose(() => connection.subscription.dispose());
  }

  private state(): ToWebview {
    return { method: 'state', params: { version, workspaceName: vscode.workspace.name ?? null } };
  }
}
