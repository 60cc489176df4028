import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { changeHookConfig, ConfigError, readHookConfig, currentTarget, hookConfigNamed, hookConfigs, launcherCommand, refreshLauncher, writeLauncher, type HookChange, type HookConfig, type Scope, type Target } from '../engine/hooks/install';

/** Arguments for scripts and tests: skip the pickers (`harness`, `scope`) and the confirmation. */
export interface ConnectArgs {
  harness?: string;
  scope?: Scope;
  confirm?: boolean;
}

const previewScheme = 'plumbline-hooks';

/**
 * "Plumbline: Connect Agent Hooks…": the agent harness (those whose config folder is in the
 * workspace or the home folder first), this workspace or every workspace, the change to the
 * harness's config shown as a diff, then written only when the person says so. The hook's
 * command is the launcher in ~/.plumbline/bin, pointed at this extension's own CLI and run by
 * the editor's own Node, so nothing else of Plumbline needs to be installed.
 */
export class AgentHooks implements vscode.Disposable {
  private readonly previews = new Map<string, string>();
  private readonly provider: vscode.Disposable;

  constructor(
    private readonly extensionPath: string,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.provider = vscode.workspace.registerTextDocumentContentProvider(previewScheme, { provideTextDocumentContent: (uri) => this.previews.get(uri.query) ?? '' });
  }

  dispose(): void {
    this.provider.dispose();
  }

  /** The launcher a harness config may already run, moved to this extension's CLI when it has lost its own. */
  async refreshLauncher(): Promise<void> {
    const changed = await refreshLauncher(this.target()).catch((err: Error) => this.log.warn(`Agent hooks: cannot refresh the launcher: ${err.message}`));
    if (changed) this.log.info(`Agent hooks: the launcher now runs ${this.target().cli}`);
  }

  async connect(args: ConnectArgs = {}): Promise<HookChange | undefined> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) {
      void vscode.window.showInformationMessage('Open a folder first: agent hooks are connected for a workspace (or for every workspace, from one).');
      return undefined;
    }
    const places = { cwd: folder.uri.fsPath, home: os.homedir(), env: process.env };
    const config = args.harness ? hookConfigNamed(args.harness) : await this.pickHarness(places);
    if (!config) {
      if (args.harness) void vscode.window.showErrorMessage(`Plumbline has no hooks for "${args.harness}".`);
      return undefined;
    }
    const scope = args.scope ?? (await this.pickScope(config, places));
    if (!scope) return undefined;
    const target: Target = { command: launcherCommand(config.harness), file: config.file(scope, places, {}) };
    const shown = displayPath(target.file, places);

    let before: string | null;
    let after: string;
    try {
      before = await readHookConfig(target.file);
      after = config.install(before, target);
    } catch (err) {
      const line = err instanceof ConfigError && err.line ? ` (line ${err.line})` : '';
      void vscode.window.showErrorMessage(`${shown}${line}: ${(err as Error).message}. Nothing was changed.`);
      return undefined;
    }
    if (after !== before) {
      await this.showDiff(config, shown, before, after);
      if (!args.confirm) {
        const write = await vscode.window.showInformationMessage(`Connect ${config.title} to Plumbline?`, { modal: true, detail: `This writes the change shown to ${shown}.` }, 'Write');
        if (write !== 'Write') return undefined;
      }
    }
    try {
      await writeLauncher(this.target());
      const change = await changeHookConfig(config, 'install', target, scope === 'project' ? places.cwd : places.home);
      const note = config.note?.(target);
      this.log.info(`Agent hooks: ${config.title} ${change.changed ? 'connected in' : 'was already connected in'} ${target.file}`);
      void vscode.window.showInformationMessage(`${config.title} ${change.changed ? 'is connected' : 'was already connected'}: ${shown}.${note ? ` ${note}` : ''}`);
      return change;
    } catch (err) {
      void vscode.window.showErrorMessage(`${shown}: ${(err as Error).message}. Nothing was changed.`);
      return undefined;
    }
  }

  private target() {
    return currentTarget(path.join(this.extensionPath, 'dist', 'cli.js'));
  }

  private async pickHarness(places: { cwd: string; home: string; env: NodeJS.ProcessEnv }): Promise<HookConfig | undefined> {
    const found = await Promise.all(hookConfigs.map(async (config) => ({ config, where: await usedWhere(config, places) })));
    found.sort((a, b) => Number(!a.where) - Number(!b.where));
    const picked = await vscode.window.showQuickPick(
      found.map(({ config, where }) => ({ label: config.title, description: where ? `found in ${where}` : undefined, config })),
      { title: 'Connect Agent Hooks', placeHolder: 'The agent whose edits Plumbline checks before they land' },
    );
    return picked?.config;
  }

  private async pickScope(config: HookConfig, places: { cwd: string; home: string; env: NodeJS.ProcessEnv }): Promise<Scope | undefined> {
    const picked = await vscode.window.showQuickPick(
      (['project', 'user'] as const).map((scope) => ({
        label: scope === 'project' ? 'This workspace' : 'Every workspace',
        description: displayPath(config.file(scope, places, {}), places),
        scope,
      })),
      { title: `Connect ${config.title}`, placeHolder: 'Where the hook goes' },
    );
    return picked?.scope;
  }

  private async showDiff(config: HookConfig, shown: string, before: string | null, after: string): Promise<void> {
    const id = `${config.harness}-${Date.now()}`;
    this.previews.set(`${id}-before`, before ?? '');
    this.previews.set(`${id}-after`, after);
    const uri = (side: string) => vscode.Uri.from({ scheme: previewScheme, path: `/${path.basename(shown)}`, query: `${id}-${side}` });
    await vscode.commands.executeCommand('vscode.diff', uri('before'), uri('after'), `${shown}: connect ${config.title} (preview)`, { preview: true });
  }
}

/** "the workspace" or "your home folder" when the harness keeps its config folder there. */
async function usedWhere(config: HookConfig, places: { cwd: string; home: string; env: NodeJS.ProcessEnv }): Promise<string | undefined> {
  const exists = (file: string) => stat(path.dirname(file)).then(() => true, () => false);
  if (await exists(config.file('project', places, {}))) return 'the workspace';
  if (await exists(config.file('user', places, {}))) return 'your home folder';
  return undefined;
}

function displayPath(file: string, places: { cwd: string; home: string }): string {
  const inWorkspace = path.relative(places.cwd, file);
  if (!inWorkspace.startsWith('..') && !path.isAbsolute(inWorkspace)) return inWorkspace;
  const inHome = path.relative(places.home, file);
  return !inHome.startsWith('..') && !path.isAbsolute(inHome) ? `~/${inHome}` : file;
}
