import * as vscode from 'vscode';
import type { Logger } from '../engine/log';
import { chatProtocol, chatTitle, type ToWebview } from '../engine/protocol/chatView';
import { Workspace } from '../engine/agent/workspace';
import { version } from '../engine/version';
import type { AgentHost } from './agentHost';
import type { Models } from './models';
import { openRunDiff } from './runDiff';
import { connectWebview, loadWebview } from './webviewHost';

/**
 * The Chat webview view in the Plumbline sidebar container (SPEC §5): the view renders, the
 * conversations (client/chatSessions.ts) hold the state, and runs go through the agent host.
 */
export class ChatView implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly id = 'plumbline.chat';
  private view: vscode.WebviewView | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly models: Models,
    private readonly agents: AgentHost,
    private readonly log: Logger,
  ) {
    // A run waiting on the person while the chat is out of sight: say so, without stealing focus.
    this.subscription = agents.chat.onWaiting(({ what }) => {
      if (this.view?.visible) return;
      const text = what === 'approval' ? 'An agent waits for your approval.' : 'An agent has a question for you.';
      void vscode.window.showInformationMessage(`Plumbline: ${text}`, 'Open Chat').then((choice) => choice && this.reveal());
    });
  }

  /** Shows the chat (the view's container opens if it was closed). */
  async reveal(): Promise<void> {
    await vscode.commands.executeCommand(`${ChatView.id}.focus`);
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const chat = this.agents.chat;
    loadWebview(view.webview, this.extensionUri, 'chat', chatTitle);
    const postModelStatus = async () => void connection.post({ method: 'modelStatus', params: await this.models.status() });
    const postConversation = () => {
      const snapshot = chat.activeId ? chat.snapshot(chat.activeId) : undefined;
      if (snapshot) void connection.post({ method: 'conversation', params: snapshot });
    };
    const connection = connectWebview(
      'chat',
      view.webview,
      chatProtocol,
      {
        ready: async () => {
          await connection.post(this.state());
          await postModelStatus();
          await this.agents.ready;
          await connection.post({ method: 'conversations', params: { items: chat.list(), activeId: chat.activeId } });
          postConversation();
        },
        showOutput: () => void vscode.commands.executeCommand('plumbline.showOutput'),
        reportProblem: ({ message }) => this.log.warn(`chat view: ${message}`),
        configureModel: ({ choice }) => void vscode.commands.executeCommand('plumbline.configureModel', { choice }),
        newConversation: () => void chat.create(),
        selectConversation: ({ id }) => chat.select(id),
        renameConversation: ({ id, title }) => chat.rename(id, title),
        deleteConversation: async ({ id }) => {
          const title = chat.list().find((c) => c.id === id)?.title ?? 'this conversation';
          const choice = await vscode.window.showWarningMessage(`Delete "${title}" and its messages? Its runs stay in Mission Control.`, { modal: true }, 'Delete');
          if (choice === 'Delete') chat.delete(id);
        },
        send: async ({ text }) => {
          const conversationId = chat.activeId ?? undefined;
          // The agent host has told the person why a run did not start; the log keeps it too.
          await this.agents.run({ prompt: text, conversationId }).catch((err: unknown) => {
            this.log.warn(`chat view: the run did not start: ${err instanceof Error ? err.message : String(err)}`);
          });
        },
        stop: () => {
          const runId = chat.activeId ? chat.runningIn(chat.activeId) : undefined;
          if (runId) this.agents.stopRun(runId, 'stopped from the chat');
        },
        decide: ({ id, approved }) => {
          if (!chat.decide(id, approved)) this.log.warn(`chat view: no run waits for approval ${id}`);
        },
        answer: ({ id, text }) => {
          if (!chat.answer(id, text)) this.log.warn(`chat view: no run waits for an answer to ${id}`);
        },
        openDiff: ({ runId, file }) => openRunDiff((id) => this.agents.changedFiles(id), runId, file),
        openFile: async ({ file, line }) => {
          const folder = vscode.workspace.workspaceFolders?.[0];
          if (!folder) return;
          const target = await new Workspace(folder.uri.fsPath).resolve(file);
          const position = new vscode.Position(line ?? 0, 0);
          await vscode.window.showTextDocument(vscode.Uri.file(target.absolute), { selection: new vscode.Range(position, position), preview: true });
        },
      },
      this.log,
    );
    const subscriptions = [this.models.onDidChange(() => void postModelStatus()), chat.onPost((message) => void connection.post(message))];
    view.onDidDispose(() => {
      this.view = undefined;
      connection.subscription.dispose();
      for (const s of subscriptions) s.dispose();
    });
  }

  dispose(): void {
    this.subscription.dispose();
  }

  private state(): ToWebview {
    return { method: 'state', params: { version, workspaceName: vscode.workspace.name ?? null } };
  }
}
