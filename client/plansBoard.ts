import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { Logger } from '../engine/log';
import { plansBoardProtocol, plansBoardTitle, type ToBoard } from '../engine/protocol/plansBoard';
import { openTask } from './commands';
import { setTaskStatus, toggleCheckboxes } from './planEdits';
import type { PlanStore } from './planStore';
import { connectWebview, loadWebview } from './webviewHost';

/** The Plans board webview panel: one per window, live while open. */
export class PlansBoard implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly client: LanguageClient,
    private readonly store: PlanStore,
    private readonly log: Logger,
  ) {}

  show(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel('plumbline.plansBoard', 'Plans Board', vscode.ViewColumn.Active, {
      retainContextWhenHidden: false,
    });
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'plumbline.svg');
    this.panel = panel;
    loadWebview(panel.webview, this.extensionUri, 'plans', plansBoardTitle);
    const post = (message: ToBoard) => void connection.post(message);
    const sendPlans = () => post({ method: 'plans', params: { plans: this.store.all(), ready: this.store.isReady, complete: this.store.isComplete } });
    const connection = connectWebview(
      'plans board',
      panel.webview,
      plansBoardProtocol,
      {
        ready: sendPlans,
        openTask: ({ uri, line }) => openTask(uri, line),
        setStatus: async ({ uri, taskId, status }) => void (await setTaskStatus(this.client, this.log, { uri, taskId, status })),
        toggleCheckbox: async ({ uri, line, text }) =>
          void (await toggleCheckboxes(this.client, this.log, { uri, boxes: [{ line, text }] })),
        runAgent: ({ uri, taskId }) => void vscode.commands.executeCommand('plumbline.runAgentOnTask', { uri, taskId }),
        reportProblem: ({ message }) => this.log.warn(`plans board: ${message}`),
      },
      this.log,
    );
    const storeSubscription = this.store.onDidChange(sendPlans);
    panel.onDidDispose(() => {
      storeSubscription.dispose();
      connection.subscription.dispose();
      this.panel = undefined;
    });
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
