import * as vscode from 'vscode';

/**
 * The Runs tree (agent runs, live and past). Until the agent engine lands it has no items, and
 * VS Code shows the `viewsWelcome` sentence from package.json in their place.
 */
export class RunsTree implements vscode.TreeDataProvider<never> {
  getTreeItem(element: never): vscode.TreeItem {
    return element;
  }
  getChildren(): never[] {
    return [];
  }
}
