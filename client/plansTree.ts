import * as vscode from 'vscode';

/**
 * The Plans tree (plan files → tasks → deliverables). Until plan parsing lands it has no items,
 * and VS Code shows the `viewsWelcome` sentence from package.json in their place.
 */
export class PlansTree implements vscode.TreeDataProvider<never> {
  getTreeItem(element: never): vscode.TreeItem {
    return element;
  }
  getChildren(): never[] {
    return [];
  }
}
