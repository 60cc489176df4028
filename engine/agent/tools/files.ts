import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../plans/files';
import { defineTool, type ToolContext, type ToolResult } from './tool';

const maxReadBytes = 256 * 1024;
const skipped = new Set(['.git', 'node_modules', 'dist', 'out', 'build', '.venv', '__pycache__']);

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Every write an agent makes: confined to the workspace, approved when the path is protected or
 * edits are not auto-approved, guarded before it is kept, checkpointed for "Undo this run". A
 * critical finding keeps the agent's content on disk (the person sees it, with the restore fix)
 * and quarantines the agent.
 */
async function writeGuarded(ctx: ToolContext, requested: string, compute: (before: string | null) => string | { error: string }): Promise<ToolResult> {
  const target = await ctx.workspace.resolve(requested);
  if (ctx.hasUnsavedChanges(target.absolute)) {
    return { isError: true, content: `${target.relative} has unsaved changes in the user's editor, so it was not written. Ask the user to save or discard them, then read the file again.` };
  }
  const before = await readIfExists(target.absolute);
  const after = compute(before);
  if (typeof after !== 'string') return { isError: true, content: after.error };
  if (target.isProtected || !ctx.autoApproveEdits) {
    const reason = target.isProtected ? `${target.relative} is a protected path` : 'edits need approval in this workspace';
    if (!(await ctx.approve({ kind: 'edit', path: target.relative, reason }))) {
      return { isError: true, content: `The edit of ${target.relative} was not approved (${reason}). Do not retry it; ask the user or choose another way.` };
    }
  }
  const violations = await ctx.guard(target.relative, before ?? '', after);
  await ctx.checkpoint(target.absolute, before);
  await writeFileAtomic(target.absolute, after);
  const critical = violations.filter((v) => v.severity === 'critical');
  if (critical.length) return { isError: true, content: `Quarantined: ${critical[0].message}`, quarantine: { file: target.relative, violations: critical }, edited: { file: target.relative, violations } };
  const notes = violations.map((v) => `\n- line ${v.line + 1}: ${v.message}`).join('');
  return {
    content: `${before === null ? 'Created' : 'Updated'} ${target.relative}.${notes ? `\nThe guard found problems to fix:${notes}` : ''}`,
    edited: { file: target.relative, violations },
  };
}

export const readFileTool = defineTool({
  name: 'read_file',
  description: 'Read a text file of the workspace. Optionally only lines startLine..endLine (1-based, inclusive).',
  schema: z.object({ path: z.string().min(1), startLine: z.number().int().min(1).optional(), endLine: z.number().int().min(1).optional() }).strict(),
  async run({ path: requested, startLine, endLine }, ctx) {
    const target = await ctx.workspace.resolve(requested);
    const info = await stat(target.absolute).catch(() => undefined);
    if (!info) return { isError: true, content: `${target.relative} does not exist.` };
    if (info.isDirectory()) return { isError: true, content: `${target.relative} is a folder; use list_files.` };
    if (info.size > maxReadBytes && startLine === undefined) return { isError: true, content: `${target.relative} is ${info.size} bytes; read it in parts with startLine and endLine.` };
    const text = await readFile(target.absolute, 'utf8');
    if (startLine === undefined) return { content: text };
    const lines = text.split('\n');
    return { content: lines.slice(startLine - 1, endLine ?? lines.length).join('\n') };
  },
});

export const listFilesTool = defineTool({
  name: 'list_files',
  description: 'List the files and folders under a folder of the workspace (folders end with /). Recursive lists skip .git, node_modules and build output.',
  schema: z.object({ path: z.string().default('.'), recursive: z.boolean().default(false), limit: z.number().int().min(1).max(5000).default(500) }).strict(),
  async run({ path: requested, recursive, limit }, ctx) {
    const target = await ctx.workspace.resolve(requested);
    const found: string[] = [];
    const walk = async (dir: string, prefix: string): Promise<void> => {
      for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
        if (found.length >= limit) return;
        const name = `${prefix}${entry.name}${entry.isDirectory() ? '/' : ''}`;
        found.push(name);
        if (recursive && entry.isDirectory() && !skipped.has(entry.name)) await walk(path.join(dir, entry.name), name);
      }
    };
    await walk(target.absolute, '');
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
    const root = (await ctx.workspace.resolve('.')).absolute;
    const results: string[] = [];
    const visit = async (file: string): Promise<void> => {
      if (results.length >= maxResults || ctx.signal.aborted) return;
      const info = await stat(file).catch(() => undefined);
      if (!info) return;
      if (info.isDirectory()) {
        for (const entry of await readdir(file)) if (!skipped.has(entry)) await visit(path.join(file, entry));
        return;
      }
      if (info.size > maxReadBytes) return;
      const text = await readFile(file, 'utf8');
      if (text.includes('\0')) return;
      text.split('\n').forEach((line, i) => {
        if (results.length < maxResults && pattern.test(line)) results.push(`${path.relative(root, file).split(path.sep).join('/')}:${i + 1}: ${line.trim().slice(0, 200)}`);
      });
    };
    await visit(target.absolute);
    return { content: results.length ? results.join('\n') : 'No match.' };
  },
});

export const writeFileTool = defineTool({
  name: 'write_file',
  description: 'Create a file or replace its whole content. Write the complete file: never leave out code with a placeholder comment such as "// ... rest unchanged".',
  schema: z.object({ path: z.string().min(1), content: z.string() }).strict(),
  run: ({ path: requested, content }, ctx) => writeGuarded(ctx, requested, () => content),
});

export const editFileTool = defineTool({
  name: 'edit_file',
  description: 'Replace an exact piece of text in a file with new text. oldText must occur exactly once (include enough surrounding lines), unless replaceAll is true.',
  schema: z.object({ path: z.string().min(1), oldText: z.string().min(1), newText: z.string(), replaceAll: z.boolean().default(false) }).strict(),
  run: ({ path: requested, oldText, newText, replaceAll }, ctx) =>
    writeGuarded(ctx, requested, (before) => {
      if (before === null) return { error: `${requested} does not exist; use write_file to create it.` };
      const count = before.split(oldText).length - 1;
      if (count === 0) return { error: `oldText was not found in ${requested}. Read the file again and copy the text exactly, whitespace and line breaks included.` };
      if (count > 1 && !replaceAll) return { error: `oldText occurs ${count} times in ${requested}; include more surrounding lines so it is unique, or set replaceAll.` };
      return replaceAll ? before.split(oldText).join(newText) : before.replace(oldText, () => newText);
    }),
});
