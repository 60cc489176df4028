import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';

const labels: Record<State, { text: string; tooltip: string }> = {
  [State.Starting]: { text: '$(loading~spin) Plumbline', tooltip: 'Plumbline: language server starting…' },
  [State.Running]: { text: '$(checklist) Plumbline', tooltip: 'Plumbline: language server running. Click to show the log.' },
  [State.Stopped]: { text: '$(error) Plumbline', tooltip: 'Plumbline: language server stopped. Click to show the log.' },
  [State.StartFailed]: { text: '$(error) Plumbline', tooltip: 'Plumbline: language server failed to start. Click to show the log.' },
};

/** The status bar item: Plumbline at a glance (today, whether its language server runs). */
export function createStatusBar(client: LanguageClient): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('plumbline.status', vscode.StatusBarAlignment.Left, 10);
  item.name = 'Plumbline';
  item.command = 'plumbline.showOutput';
  const show = (state: State) => {
    item.text = labels[state].text;
    item.tooltip = labels[state].tooltip;
    item.backgroundColor = state === State.Stopped || state === State.StartFailed ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  };
  show(client.state);
  item.show();
  const subscription = client.onDidChangeState((e) => show(e.newState));
  return vscode.Disposable.from(item, subscription);
}
