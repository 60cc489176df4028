import { createConnection, FileChangeType, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { CheckEditRequest, ReportedEditRequest } from '../engine/protocol/lsp';
import { languageOfFile, guardLanguage } from '../engine/guard';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { z } from 'zod';
import { version } from '../engine/version';
import { Diagnostics } from './diagnostics';
import { acceptEditCommand, GuardService } from './guardService';
import { withFilesOfNewFolders } from './folderEvents';
import { consoleLogger } from './log';
import { registerPlanFeatures } from './planFeatures';
import { PlanService, toPath } from './planService';
import { TraceCodeFeatures } from './traceCodeFeatures';
import { TraceCodeService } from './traceCodeService';
import { TraceCodeSettings } from '../engine/tracecodes';

/**
 * Plumbline's language server, in its own process. The transport (IPC from the extension,
 * `--stdio` from tests and other editors) is picked by vscode-languageserver from argv.
 */
const connection = createConnection(ProposedFeatures.all);
const log = consoleLogger(connection.console);
// Every change an editor sends passes the guard on its way in: it tells an agent's or a paste's
// multi-line replacement from a person's keystrokes.
const documents = new TextDocuments<TextDocument>({
  create: TextDocument.create,
  update(document, changes, version) {
    guard.noteChanges(document.uri, changes);
    return TextDocument.update(document, changes, version);
  },
});
const diagnostics = new Diagnostics(connection);
const plans = new PlanService(connection, documents, diagnostics, log);
const guard = new GuardService(connection, documents, diagnostics, log);
const traceCodes = new TraceCodeService(documents, diagnostics, log);

/** Settings the client sends (initializationOptions and didChangeConfiguration): only what the server uses. */
const Settings = z
  .object({
    plans: z.object({ include: z.array(z.string()).optional(), exclude: z.array(z.string()).optional() }).partial().optional(),
    // Checked in full by traceCodeConfig, which explains what is wrong.
    traceCodes: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();

let appliedSettings = '';

/** Applies settings; says which parts changed (the client also re-sends unchanged ones). */
function applySettings(raw: unknown): { plans: boolean; traceCodes: boolean } {
  const parsed = Settings.safeParse(raw ?? {});
  if (!parsed.success) {
    log.warn(`ignoring settings of the wrong shape: ${parsed.error.message}`);
    return { plans: false, traceCodes: false };
  }
  const key = JSON.stringify(parsed.data.plans ?? {});
  const plansChanged = key !== appliedSettings;
  appliedSettings = key;
  if (plansChanged) plans.configure(folders, parsed.data.plans?.include, parsed.data.plans?.exclude);
  guard.configure(folders);
  return { plans: plansChanged, traceCodes: traceCodes.configure(folders, parsed.data.traceCodes as TraceCodeSettings | undefined) };
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
      codeActionProvider: { codeActionKinds: ['quickfix', 'refactor.rewrite'] },
      executeCommandProvider: { commands: [acceptEditCommand] },
      documentSymbolProvider: true,
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      documentLinkProvider: { resolveProvider: false },
      completionProvider: { triggerCharacters: [':', ' ', '"', "'"] },
      codeLensProvider: { resolveProvider: false },
    },
    serverInfo: { name: 'Plumbline', version },
  };
});

connection.onInitialized(() => {
  void plans.scan();
  void traceCodes.scan();
});

connection.onDidChangeConfiguration(({ settings }) => {
  const changed = applySettings((settings as { plumbline?: unknown } | undefined)?.plumbline);
  if (changed.plans) void plans.scan();
  if (changed.traceCodes) void traceCodes.scan();
});

connection.onDidChangeWatchedFiles(async ({ changes }) => {
  for (const change of await withFilesOfNewFolders(changes, folders)) {
    void plans.changedOnDisk(change.uri, change.type === FileChangeType.Deleted);
    void guard.changedOnDisk(change.uri);
    void traceCodes.changedOnDisk(change.uri, change.type === FileChangeType.Deleted);
  }
});

documents.onDidOpen(({ document }) => guard.opened(document));
documents.onDidSave(({ document }) => void guard.saved(document));
documents.onDidChangeContent(({ document }) => {
  plans.updateFromEditor(document);
  traceCodes.updateFromEditor(document);
  guard.changedInEditor(document);
});
documents.onDidClose(({ document }) => {
  guard.closed(document.uri);
  void plans.closed(document.uri);
  void traceCodes.closed(document.uri);
});

const traceCodeFeatures = new TraceCodeFeatures(connection, documents, traceCodes, log);
connection.onCodeAction((params) => [...guard.codeActions(params), ...traceCodeFeatures.codeActions(params)]);
connection.onDocumentLinks((params) => traceCodeFeatures.links(params));
connection.onReferences((params) => traceCodeFeatures.locations(params));
connection.onExecuteCommand(async ({ command, arguments: args }) => {
  if (command === acceptEditCommand && typeof args?.[0] === 'string') await guard.accept(args[0]);
});
function editParams(method: string, raw: unknown) {
  const parsed = CheckEditRequest.params.safeParse(raw);
  if (!parsed.success) throw new Error(`${method}: bad params: ${parsed.error.message}`);
  const { uri, languageId } = parsed.data;
  return { ...parsed.data, language: languageId ? guardLanguage(languageId) : languageOfFile(toPath(uri) ?? uri) };
}

connection.onRequest(CheckEditRequest.method, async (raw: unknown): Promise<CheckEditRequest.Result> => {
  const { before, after, language } = editParams(CheckEditRequest.method, raw);
  return { violations: await guard.guard.checkEdit(before, after, language) };
});

connection.onRequest(ReportedEditRequest.method, async (raw: unknown): Promise<ReportedEditRequest.Result> => {
  const { uri, before, after, language } = editParams(ReportedEditRequest.method, raw);
  return { violations: await guard.reported(uri, before, after, language) };
});

const planFeatures = registerPlanFeatures(connection, documents, plans, log);
connection.onHover((params) => planFeatures.hover(params) ?? traceCodeFeatures.hover(params));
connection.onDefinition((params) => planFeatures.definition(params) ?? traceCodeFeatures.locations(params));
connection.onCompletion((params) => [...planFeatures.completion(params), ...traceCodeFeatures.completion(params)]);
documents.listen(connection);
connection.listen();
