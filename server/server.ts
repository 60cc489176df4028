import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { version } from '../engine/version';
import { consoleLogger } from './log';

/**
 * Plumbline's language server, in its own process. The transport (IPC from the extension,
 * `--stdio` from tests and other editors) is picked by vscode-languageserver from argv.
 * Later capabilities register their handlers here: plan-file diagnostics and navigation,
 * guard findings on agent edits, trace codes.
 */
const connection = createConnection(ProposedFeatures.all);
const log = consoleLogger(connection.console);
const documents = new TextDocuments(TextDocument);

connection.onInitialize((params) => {
  const folders = params.workspaceFolders?.map((f) => f.uri) ?? [];
  log.info(`Plumbline language server ${version} started (pid ${process.pid}, ${folders.length} workspace folder(s))`);
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
    },
    serverInfo: { name: 'Plumbline', version },
  };
});

documents.listen(connection);
connection.listen();
