import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { filePlanAccess, type PlanAccess } from '../engine/agent/plans';
import { executeTool, servedToolContext, servedTools, type Tool } from '../engine/agent/tools';
import { Workspace } from '../engine/agent/workspace';
import { SettableStatus } from '../engine/protocol/plans';
import { setTaskStatus, toggleCheckboxes } from './planEdits';
import { guardThroughServer } from './runHost';
import { confirmationOf, lmToolName } from './contributions';


/**
 * Plumbline's served tools (engine/agent/tools/served.ts) as VS Code language model tools, so
 * that Copilot's agent, and any chat participant that uses tools, can read the plans, record
 * progress and check an edit. Each call goes through the engine's own `executeTool` (the same
 * zod schema, answers and one-line errors as MCP and Plumbline's agents). A plan change asks
 * first (the tool's confirmation, which VS Code shows when a chat agent calls it; an extension's
 * own `lm.invokeTool` outside a chat runs without it, on 1.99 as on 1.139) and is made as the board makes it: a versioned WorkspaceEdit
 * of the document, undoable, refused if the document changed underneath. check_edit asks the
 * language server's guard.
 */
export function registerLmTools(client: LanguageClient, log: vscode.LogOutputChannel): vscode.Disposable[] {
  return servedTools.map((tool) =>
    vscode.lm.registerTool<Record<string, unknown>>(lmToolName(tool), {
      prepareInvocation(options) {
        const confirm = confirmationOf(tool.name, options.input ?? {});
        if (!confirm) return { invocationMessage: `Plumbline: ${tool.name.replace(/_/g, ' ')}` };
        const { title, message } = confirm;
        return { invocationMessage: `Plumbline: ${tool.name.replace(/_/g, ' ')}`, confirmationMessages: { title, message: new vscode.MarkdownString(message) } };
      },
      async invoke(options, token) {
        const text = await invokeServedTool(tool, options.input ?? {}, client, log, token);
        return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
      },
    }),
  );
}

async function invokeServedTool(tool: Tool, input: unknown, client: LanguageClient, log: vscode.LogOutputChannel, token: vscode.CancellationToken): Promise<string> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('Plumbline needs an open folder: its plans and files are a workspace\'s.');
  const workspace = new Workspace(folder.uri.fsPath);
  const abort = new AbortController();
  const cancelled = token.onCancellationRequested(() => abort.abort());
  try {
    const context = servedToolContext({
      workspace,
      plans: editorPlanAccess(workspace, client, log),
      guard: (relative, before, after) => guardThroughServer(client, vscode.Uri.joinPath(folder.uri, ...relative.split('/')), before, after),
      signal: abort.signal,
      where: 'to language model tools',
    });
    const result = await executeTool([tool], { id: `lm-${Date.now()}`, name: tool.name, arguments: JSON.stringify(input) }, context);
    // The model gets a failure as an error, with the engine's one-line reason.
    if (result.isError) throw new Error(result.content);
    return result.content;
  } finally {
    cancelled.dispose();
  }
}

/**
 * Plans read from disk as every Plumbline client reads them; changed through the language
 * server's minimal edit applied to the open document (planEdits.ts), like the board and the tree.
 */
function editorPlanAccess(workspace: Workspace, client: LanguageClient, log: vscode.LogOutputChannel): PlanAccess {
  const onDisk = filePlanAccess(workspace);
  const uriOf = async (file: string) => vscode.Uri.file((await workspace.resolve(file)).absolute).toString();
  const applied = (ok: boolean, file: string) => {
    if (!ok) throw new Error(`the change to ${file} was not applied: the plan changed meanwhile or the task is not in it`);
  };
  return {
    ...onDisk,
    async setStatus(file, id, status) {
      const settable = SettableStatus.safeParse(status);
      if (!settable.success) throw new Error(`${status} is not a status a plan file can be set to`);
      applied(await setTaskStatus(client, log, { uri: await uriOf(file), taskId: id, status: settable.data }), file);
    },
    async toggle(file, line) {
      applied(await toggleCheckboxes(client, log, { uri: await uriOf(file), boxes: [{ line: line - 1 }] }), file);
    },
  };
}
