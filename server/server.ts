import { createConnection, FileChangeType, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { CheckEditRequest } from '../engine/protocol/lsp';
import { languageOfFile, guardLanguage } from '../engine/guard';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { z } from 'zod';
import { version } from '../engine/version';
import { Diagnostics } from './diagnostics';
import { acceptEditCommand, GuardService } from './guardService';
import { consoleLogger } from './log';
import { registerPlanFeatures } from './planFeatures';
import { PlanService, toPath } from './planService';

/**
 * Plumbline's language server, in its own process. The transport (IPC from the extension,
 * `--stdio` from tests and other editors) is picked by vscode-languageserver from argv.
 */
const connection = createConnection(ProposedFeatures.all);
const log = consoleLogger(connection.console);
const documents = new TextDocuments(TextDocument);
const diagnostics = new Diagnostics(connection);
const plans = new PlanService(connection, documents, diagnostics, log);
const guard = new GuardService(connection, documents, diagnostics, log);

/** Settings the client sends (initializationOptions and didChangeConfiguration): only what the server uses. */
const Settings = z
  .object({ plans: z.object({ include: z.array(z.string()).optional(), exclude: z.array(z.string()).optional() }).partial().optional() })
  .passthrough();

let appliedSettings = '';

/** Applies settings; true when what the server uses changed (the client also re-sends unchanged ones). */
function applySettings(raw: unknown): boolean {
  const parsed = Settings.safeParse(raw ?? {});
  if (!parsed.success) {
    log.warn(`ignoring settings of the wrong shape: ${parsed.error.message}`);
    return false;
  }
  const key = JSON.stringify(parsed.data.plans ?? {});
  if (key === appliedSettings) return false;
  appliedSettings = key;
  plans.configure(folders, parsed.data.plans?.include, parsed.data.plans?.exclude);
  guard.configure(folders);
  return true;
}

let folders: string[] = [];

connection.onInitialize((params) => {
  folders = (params.workspaceFolders ?? []).map((f) => toPath(f.uri)).filter((p) => p !== undefined);
  log.info(`Plumbline language server ${version} started (pid ${process.pid}, ${folders.length} workspace folder(s))`);
  applySettings((params.initializationOptions as { settings?: unknown } | undefined)?.settings);
  guard.configure(folders);
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      codeActionProvider: { codeActionKinds: ['quickfix'] },
      executeCommandProvider: { commands: [acceptEditCommand] },
      documentSymbolProvider: true,
      hoverProvider: true,
      definitionProvider: true,
      completionProvider: { triggerCharacters: [':', ' '] },
      codeLensProvider: { resolveProvider: false },
    },
    serverInfo: { name: 'Plumbline', version },
  };
});

connection.onInitialized(() => void plans.scan());

connection.onDidChangeConfiguration(({ settings }) => {
  if (applySettings((settings as { plumbline?: unknown } | undefined)?.plumbline)) void plans.scan();
});

connection.onDidChangeWatchedFiles(({ changes }) => {
  for (const change of changes) {
    void plans.changedOnDisk(change.uri, change.type === FileChangeType.Deleted);
    void guard.changedOnDisk(change.uri);
  }
});

documents.onDidOpen(({ document }) => guard.opened(document));
documents.onDidSave(({ document }) => guard.saved(document));
documents.onDidChangeContent(({ document }) => {
  plans.updateFromEditor(document);
  void guard.changedInEditor(document);
});
documents.onDidClose(({ document }) => void plans.closed(document.uri));

connection.onCodeAction((params) => guard.codeActions(params));
connection.onExecuteCommand(async ({ command, arguments: args }) => {
  if (command === acceptEditCommand && typeof args?.[0] === 'string') await guard.accept(args[0]);
});
connection.onRequest(CheckEditRequest.method, async (raw: unknown): Promise<CheckEditRequest.Result> => {
  const parsed = CheckEditRequest.params.safeParse(raw);
  if (!parsed.success) throw new Error(`${CheckEditRequest.method}: bad params: ${parsed.error.message}`);
  const { uri, languageId, before, after } = parsed.data;
  const language = languageId ? guardLanguage(languageId) : languageOfFile(toPath(uri) ?? uri);
  return { violations: await guard.guard.checkEdit(before, after, language) };
});

registerPlanFeatures(connection, documents, plans, log);
documents.listen(connection);
connection.listen();
