import {
  CodeActionKind,
  CompletionItemKind,
  type CodeAction,
  type CodeActionParams,
  type CompletionItem,
  type CompletionParams,
  type Connection,
  type DocumentLink,
  type DocumentLinkParams,
  type Hover,
  type Location,
  type TextDocumentPositionParams,
  type TextDocuments,
  type TextEdit,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import type { Logger } from '../engine/log';
import { escapeMarkdown } from '../engine/markdown';
import { NewTraceCodeRequest, TraceCodeLookupRequest, TraceCodeRegistryRequest, type TraceCodeSite } from '../engine/protocol/lsp';
import {
  checkRegistry,
  codesInQuery,
  findSites,
  freshCodes,
  relativeTo,
  runtimeCodesIn,
  updateRegistry,
  writeRegistry,
  type Site,
  type SiteRef,
} from '../engine/tracecodes';
import { toPath } from './planService';
import { siteRange, type TraceCodeService } from './traceCodeService';

/** The command links open when a runtime code has several sites (the client asks which one). */
export const goToTraceCodeCommand = 'plumbline.goToTraceCode';

/** Hover, definition, references, links, code actions and completion on trace codes (SPEC §3). */
export class TraceCodeFeatures {
  constructor(
    connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly traceCodes: TraceCodeService,
    private readonly log: Logger,
  ) {
    connection.onRequest(TraceCodeLookupRequest.method, (raw: unknown) => this.lookup(raw));
    connection.onRequest(TraceCodeRegistryRequest.method, (raw: unknown) => this.registry(raw));
    connection.onRequest(NewTraceCodeRequest.method, async (): Promise<NewTraceCodeRequest.Result> => {
      await traceCodes.ready;
      return { code: freshCodes(traceCodes.config, traceCodes.usedCodes())[0] };
    });
  }

  private get index() {
    return this.traceCodes.index;
  }

  /** The code under the cursor: a site's literal, or a runtime code (`0062-a9Fz`) in any text. */
  private codeAt({ textDocument, position }: TextDocumentPositionParams): { code: string; range: Location['range'] } | undefined {
    const file = toPath(textDocument.uri);
    const site = file ? this.index.sitesIn(file).find((s) => s.line === position.line && position.character >= s.character - 1 && position.character <= s.character + s.code.length + 1) : undefined;
    if (site && site.code) return { code: site.code, range: siteRange(site) };
    const document = this.documents.get(textDocument.uri);
    if (!document) return undefined;
    const line = document.getText({ start: { line: position.line, character: 0 }, end: { line: position.line + 1, character: 0 } });
    const runtime = runtimeCodesIn(line, this.traceCodes.config).find((r) => position.character >= r.start && position.character <= r.end);
    return runtime && this.index.sitesOf(runtime.code).length
      ? { code: runtime.code, range: { start: { line: position.line, character: runtime.start }, end: { line: position.line, character: runtime.end } } }
      : undefined;
  }

  private where(ref: SiteRef): string {
    const folder = this.traceCodes.folderOf(ref.file);
    return `${folder ? relativeTo(folder, ref.file) : ref.file}:${ref.site.line + 1}`;
  }

  hover(params: TextDocumentPositionParams): Hover | null {
    const found = this.codeAt(params);
    if (!found) return null;
    const sites = this.index.sitesOf(found.code);
    const lines = [`**Trace code \`${found.code}\`** · ${sites.length === 1 ? 'one site' : `${sites.length} sites`}`, ''];
    for (const ref of sites.slice(0, 20)) {
      const link = `${URI.file(ref.file).toString()}#L${ref.site.line + 1},${ref.site.character + 1}`;
      lines.push(`- [${escapeMarkdown(this.where(ref))}](${link})${ref.site.key ? ` · ${escapeMarkdown(ref.site.key)}` : ''}  `, `  \`${ref.site.context.replace(/`/g, "'")}\``);
    }
    if (sites.length > 20) lines.push(`- … and ${sites.length - 20} more`);
    return { range: found.range, contents: { kind: 'markdown', value: lines.join('\n') } };
  }

  /** Definition and references are the same: every site of the code. */
  locations(params: TextDocumentPositionParams): Location[] | null {
    const found = this.codeAt(params);
    if (!found) return null;
    return this.index.sitesOf(found.code).map((ref) => ({ uri: URI.file(ref.file).toString(), range: siteRange(ref.site) }));
  }

  /** Links on runtime codes with a known site, in any file the client syncs (logs, text, code). */
  links({ textDocument }: DocumentLinkParams): DocumentLink[] {
    const document = this.documents.get(textDocument.uri);
    if (!document) return [];
    const text = document.getText();
    const links: DocumentLink[] = [];
    for (const runtime of runtimeCodesIn(text, this.traceCodes.config)) {
      const sites = this.index.sitesOf(runtime.code);
      if (sites.length === 0) continue;
      const range = { start: document.positionAt(runtime.start), end: document.positionAt(runtime.end) };
      const target =
        sites.length === 1
          ? `${URI.file(sites[0].file).toString()}#L${sites[0].site.line + 1},${sites[0].site.character + 1}`
          : `command:${goToTraceCodeCommand}?${encodeURIComponent(JSON.stringify([runtime.text]))}`;
      links.push({ range, target, tooltip: sites.length === 1 ? `Go to ${this.where(sites[0])}` : `Choose one of the ${sites.length} sites of ${runtime.code}` });
    }
    return links;
  }

  codeActions({ textDocument, range }: CodeActionParams): CodeAction[] {
    const file = toPath(textDocument.uri);
    if (!file) return [];
    const here = this.index.sitesIn(file).filter((s) => s.line >= range.start.line && s.line <= range.end.line);
    if (here.length === 0) return [];
    const actions: CodeAction[] = [];
    const used = this.traceCodes.usedCodes();
    const problems = this.index.problems(file);
    // Each action is applied alone, so every site is offered the same fresh code.
    const [code] = freshCodes(this.traceCodes.config, used);
    for (const site of here) {
      const problem = problems.find((p) => p.site === site);
      actions.push({
        title: `Assign a new unique trace code (${code})`,
        kind: problem ? CodeActionKind.QuickFix : CodeActionKind.RefactorRewrite,
        isPreferred: problem !== undefined,
        edit: { changes: { [textDocument.uri]: [replaceCode(site, code)] } },
      });
    }
    const missing = this.index.sitesOf('');
    if (missing.length > 1 || (missing.length === 1 && !here.includes(missing[0].site))) {
      const codes = freshCodes(this.traceCodes.config, used, missing.length);
      const changes: Record<string, TextEdit[]> = {};
      missing.forEach((ref, i) => (changes[URI.file(ref.file).toString()] ??= []).push(replaceCode(ref.site, codes[i])));
      const files = Object.keys(changes).length;
      actions.push({
        title: `Assign codes to all ${missing.length} sites missing one${files > 1 ? ` (in ${files} files)` : ''}`,
        kind: CodeActionKind.QuickFix,
        edit: { changes },
      });
    }
    return actions;
  }

  /** Inside a site's quotes (`new CustomError("")`): a fresh code. */
  completion({ textDocument, position }: CompletionParams): CompletionItem[] {
    const document = this.documents.get(textDocument.uri);
    const file = toPath(textDocument.uri);
    if (!document || !file) return [];
    const lineText = document.getText({ start: { line: position.line, character: 0 }, end: { line: position.line + 1, character: 0 } });
    const site = this.sitesOnLine(lineText, position.line).find((s) => position.character >= s.character && position.character <= s.character + s.code.length);
    if (!site) return [];
    const [code] = freshCodes(this.traceCodes.config, this.traceCodes.usedCodes().filter((c) => c !== site.code || this.index.sitesOf(c).length > 1));
    return [
      {
        label: code,
        kind: CompletionItemKind.Constant,
        detail: 'Plumbline: a fresh trace code',
        documentation: `Used nowhere in the workspace, and never recorded in ${this.traceCodes.config.registry}.`,
        textEdit: replaceCode(site, code),
        sortText: '0',
        preselect: true,
      },
    ];
  }

  private sitesOnLine(lineText: string, line: number): Site[] {
    return findSites(lineText, this.traceCodes.config).map((s) => ({ ...s, line }));
  }

  private async lookup(raw: unknown): Promise<TraceCodeLookupRequest.Result> {
    const parsed = TraceCodeLookupRequest.params.safeParse(raw);
    if (!parsed.success) throw new Error(`${TraceCodeLookupRequest.method}: bad params: ${parsed.error.message}`);
    await this.traceCodes.ready;
    const candidates = codesInQuery(parsed.data.query, this.traceCodes.config);
    const code = candidates.find((c) => this.index.sitesOf(c).length);
    if (!code) return { code: null, sites: [] };
    const sites: TraceCodeSite[] = this.index.sitesOf(code).map((ref) => ({
      uri: URI.file(ref.file).toString(),
      line: ref.site.line,
      character: ref.site.character,
      code,
      key: ref.site.key,
      context: ref.site.context,
    }));
    return { code, sites };
  }

  private async registry(raw: unknown): Promise<TraceCodeRegistryRequest.Result> {
    const parsed = TraceCodeRegistryRequest.params.safeParse(raw);
    if (!parsed.success) throw new Error(`${TraceCodeRegistryRequest.method}: bad params: ${parsed.error.message}`);
    await this.traceCodes.ready;
    await this.traceCodes.loadRegistries();
    const folders: TraceCodeRegistryRequest.Result['folders'] = [];
    for (const folder of this.traceCodes.folders) {
      const file = this.traceCodes.registryFile(folder);
      const registry = this.traceCodes.registryOf(folder);
      const unreadable = this.traceCodes.registryError(folder);
      if (unreadable) {
        folders.push({ registry: URI.file(file).toString(), codes: 0, added: [], retired: [], problems: [], error: unreadable });
        continue;
      }
      const local = this.traceCodes.indexOf(folder);
      const problems = checkRegistry(registry, local, folder, this.traceCodes.config.registry);
      if (parsed.data.check) {
        folders.push({ registry: URI.file(file).toString(), codes: Object.keys(registry?.codes ?? {}).length, added: [], retired: [], problems });
        continue;
      }
      try {
        const update = updateRegistry(registry, local, folder);
        await writeRegistry(file, update.registry);
        this.log.info(`Trace codes: ${file} written (${update.added.length} added, ${update.retired.length} retired)`);
        folders.push({ registry: URI.file(file).toString(), codes: Object.keys(update.registry.codes).length, added: update.added, retired: update.retired, problems });
      } catch (err) {
        folders.push({ registry: URI.file(file).toString(), codes: 0, added: [], retired: [], problems, error: (err as Error).message });
      }
    }
    await this.traceCodes.loadRegistries();
    return { folders };
  }
}

function replaceCode(site: Site, code: string): TextEdit {
  return { range: { start: { line: site.line, character: site.character }, end: { line: site.line, character: site.character + site.code.length } }, newText: code };
}
