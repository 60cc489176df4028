import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

/** What commands work on: the pieces activate() created. */
export interface CommandContext {
  log: vscode.LogOutputChannel;
  languageClient: LanguageClient;
}

/** One function per command, keyed by the id declared in package.json. */
const commands: Record<string, (ctx: CommandContext) => (...args: unknown[]) => unknown> = {
  'plumbline.showOutput': (ctx) => () => ctx.log.show(true),
  'plumbline.restartServer': (ctx) => async () => {
    ctx.log.info('Restarting the language server');
    await ctx.languageClient.restart();
  },
};

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return Object.entries(commands).map(([id, make]) => vscode.commands.registerCommand(id, make(ctx)));
}
