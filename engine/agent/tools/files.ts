import { stat } from 'node:fs/promises';
import { z } from 'zod';
import { byteOccurrences, decodeText, editFile, readRegularFile, walkConfined, type DecodedText } from '../../fs';
import type { ResolvedPath } from '../workspace';
import { SearchCut, searchTexts } from './textSearch';
import { defineTool, type ToolContext, type ToolResult } from './tool';
import { asksBeforeWriting, refuseUnapprovedWrite } from './writeApproval';

const maxReadBytes = 256 * 1024;
/** A read of some lines only may open a bigger file, up to this. */
const maxRangedReadBytes = 64 * 1024 * 1024;
const searchBudgetMs = 30_000;
const skipped = new Set(['.git', 'node_modules', 'dist', 'out', 'build', '.venv', '__pycache__']);

/** A file's content as the tools work with it: the exact bytes, and the text when they are UTF-8. */
interface FileContent extends DecodedText {
  bytes: Buffer;
}

/** The new bytes of a file, or why the call cannot apply. */
type Change = (before: FileContent | null) => Uint8Array | { error: string };

const contentOf = (bytes: Buffer | null): FileContent | null => bytes && { bytes, ...decodeText(bytes) };

const notUtf8 = (relative: string) =>
  `${relative} is not valid UTF-8 (it holds bytes of another encoding, shown to you as \uFFFD). write_file would replace bytes you could not read; change a part of it with edit_file instead, which edits the bytes exactly.`;

/**
 * Every write an agent makes: confined to the workspace, approved when the path is protected or
 * edits are not auto-approved, guarded before it is kept, checkpointed (the exact bytes) for "Undo
 * this run", serialized with every other edit of the file. The change is computed once to answer
 * a call that cannot apply without asking anyone, then again under the file's lock on what is on
 * disk then, so an edit that landed meanwhile (while a person decided) is never lost. A critical
 * finding keeps the agent's content on disk (the person sees it, with the restore fix) and
 * quarantines the agent.
 */
async function writeGuarded(ctx: ToolContext, requested: string, change: Change): Promise<ToolResult> {
  const target = await ctx.workspace.resolve(requested);
  if (ctx.hasUnsavedChanges(target.absolute)) {
    return { isError: true, content: `${target.relative} has unsaved changes in the user's editor, so it was not written. Ask the user to save or discard them, then read the file again.` };
  }
  // A person asked to approve an edit should only be asked about one that applies: checked
  // first, then asked, then checked again under the lock. With nothing to ask, the check under
  // the lock is the only one (an edit step pays for every read).
  const asks = asksBeforeWriting(ctx, target, 'file');
  if (asks) {
    const first = change(contentOf(await readRegularFile(target.absolute, { missing: 'null' })));
    if ('error' in first) return { isError: true, content: first.error };
    const refused = await refuseUnapprovedWrite(ctx, target, 'file');
    if (refused) return refused;
  }
  let outcome: ToolResult | undefined;
  let before: FileContent | null = null;
  let after: Uint8Array | undefined;
  await editFile(
    target.absolute,
    (bytes) => {
      before = contentOf(bytes);
      const next = change(before);
      if (!('error' in next)) return (after = next);
      outcome = { isError: true, content: asks ? `${next.error} (the file changed while the edit waited)` : next.error };
      return undefined;
    },
    {
      createFoldersWithin: await ctx.workspace.realRoot(),
      // The guard reads the edit while the disk syncs it: the edit lands whatever it finds (a drop
      // quarantines the agent, with Restore at hand), unless Stop came meanwhile.
      whileStaged: async (bytes) => {
        const violations = await ctx.guard(target.relative, before?.text ?? '', decodeText(after!).text);
        // Stop answered the call already: nothing is written after it.
        if (ctx.signal.aborted) throw new Error('the run was stopped before the edit was written');
        await ctx.checkpoint(target.absolute, bytes);
        outcome = written(target, before === null, violations);
      },
    },
  );
  return outcome!;
}

function written(target: ResolvedPath, created: boolean, violations: Awaited<ReturnType<ToolContext['guard']>>): ToolResult {
  const critical = violations.filter((v) => v.severity === 'critical');
  if (critical.length) return { isError: true, content: `Quarantined: ${critical[0].message}`, quarantine: { file: target.relative, violations: critical }, edited: { file: target.relative, violations } };
  const notes = violations.map((v) => `\n- line ${v.line + 1}: ${v.message}`).join('');
  return {
    content: `${created ? 'Created' : 'Updated'} ${target.relative}.${notes ? `\nThe guard found problems to fix:${notes}` : ''}`,
    edited: { file: target.relative, violations },
  };
}

export const readFileTool = defineTool({
  name: 'read_file',
  description: 'Read a text file of the workspace. Optionally only lines startLine..endLine (1-based, inclusive).',
  schema: z.object({ path: z.string().min(1), startLine: z.number().int().min(1).optional(), endLine: z.number().int().min(1).optional() }).strict(),
  async run({ path: requested, startLine, endLine }, ctx) {
    const target = await ctx.workspace.resolve(requested);
    const bytes = await readRegularFile(target.absolute, { missing: 'null', maxBytes: maxRangedReadBytes });
    if (!bytes) return { isError: true, content: `${target.relative} does not exist.` };
    if (bytes.length > maxReadBytes && startLine === undefined) return { isError: true, content: `${target.relative} is ${bytes.length} bytes; read it in parts with startLine and endLine.` };
    const { text, exact } = decodeText(bytes);
    const note = exact ? '' : `(${target.relative} is not valid UTF-8: bytes of another encoding show as \uFFFD. Edit it only with edit_file, around those bytes.)\n`;
    if (startLine === undefined) return { content: note + text };
    const lines = text.split('\n');
    return { content: note + lines.slice(startLine - 1, endLine ?? lines.length).join('\n') };
  },
});

export const listFilesTool = defineTool({
  name: 'list_files',
  description: 'List the files and folders under a folder of the workspace (folders end with /, links that are not followed with @). Recursive lists skip .git, node_modules and build output.',
  schema: z.object({ path: z.string().default('.'), recursive: z.boolean().default(false), limit: z.number().int().min(1).max(5000).default(500) }).strict(),
  async run({ path: requested, recursive, limit }, ctx) {
    const target = await ctx.workspace.resolve(requested);
    const info = await stat(target.absolute).catch(() => undefined);
    if (!info) return { isError: true, content: `${target.relative} does not exist.` };
    if (!info.isDirectory()) return { isError: true, content: `${target.relative} is not a folder; use read_file.` };
    const found: string[] = [];
    const enter = (_relative: string, name: string) => recursive && !skipped.has(name);
    for await (const entry of walkConfined(await ctx.workspace.realRoot(), target.absolute, { enter, signal: ctx.signal })) {
      if (found.length >= limit) break;
      found.push(entry.relative + { file: '', folder: '/', link: '@', special: ' (not a regular file)' }[entry.kind]);
    }
    return { content: found.length ? found.join('\n') + (found.length >= limit ? `\n… (stopped at ${limit})` : '') : '(empty)' };
  },
});

export const searchTextTool = defineTool({
  name: 'search_text',
  description: 'Search the text files of the workspace for a string (or a JavaScript regular expression with regex: true). Answers file:line: text.',
  schema: z.object({ query: z.string().min(1), regex: z.boolean().default(false), path: z.string().default('.'), maxResults: z.number().int().min(1).max(1000).default(100) }).strict(),
  async run({ query, regex, path: requested, maxResults }, ctx) {
    let pattern: RegExp;
    try {
      pattern = regex ? new RegExp(query) : new RegExp(query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    } catch (err) {
      return { isError: true, content: `Not a valid regular expression: ${(err as Error).message}` };
    }
    const target = await ctx.workspace.resolve(requested);
    const root = await ctx.workspace.realRoot();
    const prefix = target.relative === '.' ? '' : `${target.relative}/`;
    async function* texts() {
      const entries = walkConfined(root, target.absolute, { enter: (_r, name) => !skipped.has(name), signal: ctx.signal });
      // A file named as the path is searched on its own; the walk then finds nothing under it.
      const single = await readRegularFile(target.absolute, { maxBytes: maxReadBytes }).catch(() => undefined);
      if (single) yield { name: target.relative, text: single.toString('utf8') };
      for await (const entry of entries) {
        if (entry.kind !== 'file') continue;
        const bytes = await readRegularFile(entry.path, { maxBytes: maxReadBytes }).catch(() => undefined);
        if (bytes && !bytes.includes(0)) yield { name: prefix + entry.relative, text: bytes.toString('utf8') };
      }
    }
    try {
      const hits = await searchTexts(pattern, texts(), maxResults, ctx.signal, searchBudgetMs);
      return { content: hits.length ? hits.map((h) => `${h.file}:${h.line}: ${h.text}`).join('\n') : 'No match.' };
    } catch (err) {
      if (err instanceof SearchCut) return { isError: true, content: `search_text: ${err.message}.` };
      throw err;
    }
  },
});

export const writeFileTool = defineTool({
  name: 'write_file',
  description: 'Create a file (and the folders it needs) or replace its whole content. Write the complete file: never leave out code with a placeholder comment such as "// ... rest unchanged".',
  schema: z.object({ path: z.string().min(1), content: z.string() }).strict(),
  run: ({ path: requested, content }, ctx) =>
    writeGuarded(ctx, requested, (before) => {
      if (before && !before.exact) return { error: notUtf8(requested) };
      return Buffer.from(content, 'utf8');
    }),
});

export const editFileTool = defineTool({
  name: 'edit_file',
  description: 'Replace an exact piece of text in a file with new text. oldText must occur exactly once (include enough surrounding lines), unless replaceAll is true.',
  schema: z.object({ path: z.string().min(1), oldText: z.string().min(1), newText: z.string(), replaceAll: z.boolean().default(false) }).strict(),
  run: ({ path: requested, oldText, newText, replaceAll }, ctx) =>
    writeGuarded(ctx, requested, (before) => {
      if (before === null) return { error: `${requested} does not exist; use write_file to create it.` };
      // Byte for byte: in a file that is not valid UTF-8, every byte outside the replaced text stays.
      const old = Buffer.from(oldText, 'utf8');
      const at = byteOccurrences(before.bytes, old);
      if (at.length === 0) return { error: `oldText was not found in ${requested}. Read the file again and copy the text exactly, whitespace and line breaks included.${before.exact ? '' : ' The file is not valid UTF-8: oldText cannot include the bytes shown as \uFFFD.'}` };
      if (at.length > 1 && !replaceAll) return { error: `oldText occurs ${at.length} times in ${requested}; include more surrounding lines so it is unique, or set replaceAll.` };
      return replaceAt(before.bytes, replaceAll ? at : [at[0]], old.length, Buffer.from(newText, 'utf8'));
    }),
});

function replaceAt(bytes: Buffer, offsets: number[], length: number, replacement: Buffer): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  for (const at of offsets) {
    parts.push(bytes.subarray(from, at), replacement);
    from = at + length;
  }
  parts.push(bytes.subarray(from));
  return Buffer.concat(parts);
}
