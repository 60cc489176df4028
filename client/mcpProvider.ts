import path from 'node:path';
import * as vscode from 'vscode';
import { mcpProviderId } from './contributions';


/**
 * VS Code 1.101's MCP server definition API. The extension supports 1.99 (engines.vscode), whose
 * typings lack it, so the few members used are declared here and looked up at run time.
 */
interface McpStdioServerDefinition {
  label: string;
  command: string;
  args: string[];
  env: Record<string, string | number | null>;
  cwd?: vscode.Uri;
}
interface McpApi {
  McpStdioServerDefinition: new (label: string, command: string, args?: string[], env?: Record<string, string | number | null>, version?: string) => McpStdioServerDefinition;
  registerMcpServerDefinitionProvider(id: string, provider: { onDidChangeMcpServerDefinitions?: vscode.Event<void>; provideMcpServerDefinitions(): McpStdioServerDefinition[] }): vscode.Disposable;
}

/** What the provider offers: kept apart from the registration so tests on any VS Code can read it. */
export interface McpServerInfo {
  label: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

/**
 * Lists Plumbline's MCP server to VS Code (its agent mode, and any MCP client inside VS Code)
 * without an mcp.json: `plumbline mcp` over stdio for each workspace folder, run by the CLI this
 * extension ships with the editor's own Node, so nothing else needs installing. On a VS Code
 * without the API (before 1.101) it does nothing; `plumbline mcp` still works from an mcp.json
 * (docs/mcp.md).
 */
export function registerMcpProvider(extensionPath: string, version: string): vscode.Disposable {
  const api = vscode as unknown as Partial<McpApi> & { lm: Partial<McpApi> };
  const Definition = api.McpStdioServerDefinition;
  if (!Definition || typeof api.lm.registerMcpServerDefinitionProvider !== 'function') return { dispose: () => undefined };
  const changed = new vscode.EventEmitter<void>();
  const folders = vscode.workspace.onDidChangeWorkspaceFolders(() => changed.fire());
  const registration = api.lm.registerMcpServerDefinitionProvider(mcpProviderId, {
    onDidChangeMcpServerDefinitions: changed.event,
    provideMcpServerDefinitions: () =>
      mcpServers(extensionPath).map((s) => {
        const definition = new Definition(s.label, s.command, s.args, s.env, version);
        definition.cwd = vscode.Uri.file(s.cwd);
        return definition;
      }),
  });
  return vscode.Disposable.from(registration, folders, changed);
}

/** One `plumbline mcp` per workspace folder, as the provider offers it. */
export function mcpServers(extensionPath: string): McpServerInfo[] {
  const folders = vscode.workspace.workspaceFolders ?? [];
  // Electron (desktop VS Code) runs as Node with this variable; a server's Node ignores it.
  const env: Record<string, string> = process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {};
  return folders.map((folder) => ({
    label: folders.length > 1 ? `Plumbline (${folder.name})` : 'Plumbline',
    command: process.execPath,
    args: [path.join(extensionPath, 'dist', 'cli.js'), 'mcp', '--workspace', folder.uri.fsPath],
    env,
    cwd: folder.uri.fsPath,
  }));
}
