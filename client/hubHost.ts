import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { filePlanAccess } from '../engine/agent/plans';
import { Workspace } from '../engine/agent/workspace';
import { startHub, type RunningHub } from '../engine/hub';
import { portVariable } from '../engine/protocol/hub';
import type { AgentHost } from './agentHost';
import { readConfig } from './config';
import { guardThroughServer } from './runHost';

/**
 * The agent hub of this window (SPEC §6): agents outside VS Code connect to it, follow the plan
 * and report their edits, which the language server checks and shows as diagnostics. Its runs
 * go through the AgentHost like our own (store, chat, Runs tree, Mission Control, Stop All,
 * quarantine). Terminals opened from now on get PLUMBLINE_HUB_PORT; the token stays in the
 * lock file, readable by this user only, so it is not handed to every process of the terminal.
 */
export async function startWindowHub(context: vscode.ExtensionContext, agents: AgentHost, client: LanguageClient, log: vscode.LogOutputChannel): Promise<vscode.Disposable | undefined> {
  const folders = vscode.workspace.workspaceFolders?.filter((f) => f.uri.scheme === 'file') ?? [];
  if (!folders.length) return undefined;
  if (!readConfig().hub.enabled) {
    log.info('Hub: off (plumbline.hub.enabled is false)');
    return undefined;
  }
  await agents.ready;
  const root = folders[0].uri.fsPath;
  let running: RunningHub;
  try {
    const workspace = new Workspace(root);
    running = await startHub({
      workspace,
      plans: filePlanAccess(workspace),
      engine: agents.engine,
      guard: (file, before, after) => {
        agents.noteWritten(file.absolute);
        return guardThroughServer(client, vscode.Uri.file(file.absolute), before, after, { reported: true });
      },
      beginRun: (info) => agents.beginHubRun(root, info),
      workspaceFolders: folders.map((f) => f.uri.fsPath),
      log,
    });
  } catch (err) {
    log.error(`Hub: did not start: ${err instanceof Error ? err.message : String(err)}; agents outside VS Code cannot connect to this window`);
    return undefined;
  }
  agents.hub = running;
  const environment = context.environmentVariableCollection;
  environment.description = 'Plumbline: the port of this window\'s agent hub (the token is in ~/.plumbline/hub/<port>.lock)';
  environment.replace(portVariable, String(running.port));
  return {
    dispose: () => {
      environment.delete(portVariable);
      if (agents.hub === running) agents.hub = undefined;
      void running.close();
    },
  };
}
