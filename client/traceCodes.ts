import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { NewTraceCodeRequest, TraceCodeLookupRequest, TraceCodeRegistryRequest, type TraceCodeSite } from '../engine/protocol/lsp';
import { runtimeCodesIn, traceCodeConfig, type TraceCodeConfig } from '../engine/tracecodes';
import { readConfig } from './config';

async function lookup(client: LanguageClient, query: string): Promise<TraceCodeLookupRequest.Result> {
  const params: TraceCodeLookupRequest.Params = { query };
  const parsed = TraceCodeLookupRequest.result.safeParse(await client.sendRequest(TraceCodeLookupRequest.method, params));
  return parsed.success ? parsed.data : { code: null, sites: [] };
}

async function openSite(site: TraceCodeSite): Promise<void> {
  const position = new vscode.Position(site.line, site.character);
  await vscode.window.showTextDocument(vscode.Uri.parse(site.uri), { selection: new vscode.Range(position, position.translate(0, site.code.length)), preview: false });
}

/** What to offer in the input box: the selection, else a clipboard holding a runtime code (just copied from a log). */
async function suggestedQuery(config: TraceCodeConfig): Promise<string> {
  const editor = vscode.window.activeTextEditor;
  const selected = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : '';
  if (selected && selected.length < 2000) return selected.trim();
  const clipboard = await vscode.env.clipboard.readText().then(
    (text) => text,
    () => '',
  );
  return clipboard.length < 2000 && runtimeCodesIn(clipboard, config).length ? clipboard.trim() : '';
}

/**
 * "Plumbline: Go to Trace Code": takes a code (`0062`), a runtime code (`0062-a9Fz`) or a whole
 * log line — as an argument (from a link) or typed/pasted — and opens its site; with several
 * sites (a duplicate), the person picks one.
 */
export async function goToTraceCode(client: LanguageClient, arg?: unknown): Promise<void> {
  const config = clientTraceCodeConfig();
  const query =
    typeof arg === 'string'
      ? arg
      : await vscode.window.showInputBox({
          title: 'Plumbline: Go to Trace Code',
          prompt: 'A trace code (0062), a runtime code (0062-a9Fz) or a log line that contains one',
          value: await suggestedQuery(config),
          ignoreFocusOut: true,
        });
  if (!query?.trim()) return;
  const { code, sites } = await lookup(client, query);
  if (!code || sites.length === 0) {
    void vscode.window.showInformationMessage(`Plumbline: no trace code site in the workspace matches "${query.trim().slice(0, 80)}".`);
    return;
  }
  if (sites.length === 1) return openSite(sites[0]);
  const picked = await vscode.window.showQuickPick(
    sites.map((site) => ({
      label: `${vscode.workspace.asRelativePath(vscode.Uri.parse(site.uri))}:${site.line + 1}`,
      description: site.key,
      detail: site.context,
      site,
    })),
    { title: `Trace code ${code} has ${sites.length} sites`, placeHolder: 'Which site?' },
  );
  if (picked) await openSite(picked.site);
}

/**
 * "Plumbline: New Trace Code": a fresh code typed at every cursor of the active editor (replacing
 * the selection), or, with no editor, copied to the clipboard. Returns the code.
 */
export async function newTraceCode(client: LanguageClient): Promise<string | undefined> {
  const parsed = NewTraceCodeRequest.result.safeParse(await client.sendRequest(NewTraceCodeRequest.method, {}));
  if (!parsed.success) return undefined;
  const { code } = parsed.data;
  const editor = vscode.window.activeTextEditor;
  if (editor) {
    await editor.edit((edit) => editor.selections.forEach((s) => edit.replace(s, code)));
  } else {
    await vscode.env.clipboard.writeText(code);
    void vscode.window.showInformationMessage(`Plumbline: trace code ${code} copied to the clipboard.`);
  }
  return code;
}

/** "Plumbline: Update Trace Code Registry" and "… Check Trace Codes Against the Registry". */
export async function traceCodeRegistry(client: LanguageClient, log: vscode.LogOutputChannel, check: boolean): Promise<void> {
  const params: TraceCodeRegistryRequest.Params = { check };
  const parsed = TraceCodeRegistryRequest.result.safeParse(await client.sendRequest(TraceCodeRegistryRequest.method, params));
  if (!parsed.success) {
    log.error(`${TraceCodeRegistryRequest.method}: an answer of the wrong shape: ${parsed.error.message}`);
    return;
  }
  for (const folder of parsed.data.folders) {
    const name = vscode.workspace.asRelativePath(vscode.Uri.parse(folder.registry));
    if (folder.error) {
      void vscode.window.showErrorMessage(`Plumbline: ${folder.error}`);
      continue;
    }
    for (const p of folder.problems) log.warn(`Trace codes: ${p.problem}: ${p.message}${p.sites.length ? ` (${p.sites.join(', ')})` : ''}`);
    const problems = folder.problems.length ? ` ${folder.problems.length} problem(s): see the Plumbline output.` : '';
    const message = check
      ? folder.problems.length
        ? `Plumbline: ${name}:${problems}`
        : `Plumbline: every trace code matches ${name}.`
      : `Plumbline: ${name} has ${folder.codes} code(s): ${folder.added.length} added, ${folder.retired.length} retired.${problems}`;
    if (folder.problems.length) void vscode.window.showWarningMessage(message, 'Show Output').then((c) => c && log.show(true));
    else void vscode.window.showInformationMessage(message);
  }
}

function clientTraceCodeConfig(): TraceCodeConfig {
  try {
    return traceCodeConfig(readConfig().traceCodes);
  } catch {
    return traceCodeConfig(); // the server logs what is wrong with the settings
  }
}

/** Runtime codes with a known site in a line of text: a UUID fragment or a date never becomes a link. */
async function knownCodesIn(client: LanguageClient, text: string) {
  const found = runtimeCodesIn(text, clientTraceCodeConfig());
  const known = await Promise.all(found.map(async (r) => ((await lookup(client, r.text)).sites.length ? r : undefined)));
  return known.filter((r) => r !== undefined);
}

interface TraceCodeTerminalLink extends vscode.TerminalLink {
  query: string;
}

/**
 * Links on runtime codes where the server's document links cannot go: terminals and output
 * channels (log files in the workspace get theirs from the server). Each opens "Go to Trace Code".
 */
export function registerTraceCodeLinks(client: LanguageClient): vscode.Disposable[] {
  return [
    vscode.window.registerTerminalLinkProvider({
      provideTerminalLinks: async ({ line }) =>
        (await knownCodesIn(client, line)).map((r): TraceCodeTerminalLink => ({ startIndex: r.start, length: r.end - r.start, tooltip: `Go to the site of trace code ${r.code}`, query: r.text })),
      // The links handed back are the ones provided above.
      handleTerminalLink: (link) => goToTraceCode(client, (link as TraceCodeTerminalLink).query),
    }),
    vscode.languages.registerDocumentLinkProvider(
      { scheme: 'output' },
      {
        provideDocumentLinks: async (document) => {
          const links: vscode.DocumentLink[] = [];
          for (let i = 0; i < document.lineCount; i++) {
            const line = document.lineAt(i).text;
            for (const r of await knownCodesIn(client, line)) {
              const target = vscode.Uri.parse(`command:plumbline.goToTraceCode?${encodeURIComponent(JSON.stringify([r.text]))}`);
              const link = new vscode.DocumentLink(new vscode.Range(i, r.start, i, r.end), target);
              link.tooltip = `Go to the site of trace code ${r.code}`;
              links.push(link);
            }
          }
          return links;
        },
      },
    ),
  ];
}
