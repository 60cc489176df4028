import { z } from 'zod';
import { readRegularFile } from '../../fs';
import { violationJson } from '../../guard';
import { defineTool } from './tool';

/**
 * The most characters `check_edit` takes in `after`, and in `before`; MCP's message limit is
 * checked against it (engine/mcp/server.ts).
 */
export const checkEditMaxTextChars = 5_000_000;
/** Longer than any path a file system takes (Linux's PATH_MAX is 4096). */
export const checkEditMaxPathChars = 4096;
/** VS Code language ids are short words; the bound only keeps the message budget finite. */
export const checkEditMaxLanguageChars = 100;

const characters = (count: number) => `${count.toLocaleString('en-US')} characters`;
/** zod's own message ("Too big: expected string to have <=5000000 characters") reads as a schema bug to an agent. */
const tooLong = (max: number) => ({ error: `longer than the limit of ${characters(max)}` });

/**
 * `check_edit`: an edit of a workspace file checked before it is written, for agents that write
 * files their own way (over MCP, or as a VS Code language model tool). Writes nothing; answers
 * the findings with 1-based lines in the new text, as text and as `{violations}`.
 */
export const checkEditTool = defineTool({
  name: 'check_edit',
  description:
    'Check an edit of a workspace file before it is written: placeholder comments standing for dropped code, ' +
    'new stubs, broken syntax. Writes nothing. Answers the findings with 1-based lines in the new text.',
  schema: z
    .object({
      path: z
        .string()
        .min(1)
        .max(checkEditMaxPathChars, tooLong(checkEditMaxPathChars))
        .describe('The file the edit is for, relative to the workspace. Picks the language; its content on disk is the default "before".'),
      after: z
        .string()
        .max(checkEditMaxTextChars, tooLong(checkEditMaxTextChars))
        .describe(`The whole content of the file after the edit, at most ${characters(checkEditMaxTextChars)}.`),
      before: z
        .string()
        .max(checkEditMaxTextChars, tooLong(checkEditMaxTextChars))
        .optional()
        .describe(`The whole content before the edit, at most ${characters(checkEditMaxTextChars)}. Default: the file on disk (empty when it does not exist yet).`),
      language: z
        .string()
        .min(1)
        .max(checkEditMaxLanguageChars, tooLong(checkEditMaxLanguageChars))
        .optional()
        .describe('A VS Code language id (typescript, python, go, ...) to use instead of the one the file name gives.'),
    })
    .strict(),
  async run({ path: requested, after, before, language }, ctx) {
    const target = await ctx.workspace.resolve(requested);
    const old = before ?? (await currentContent(target.absolute, target.relative));
    const violations = (await ctx.guard(target.relative, old, after, language)).map(violationJson);
    const text = violations.length ? violations.map((v) => `${target.relative}:${v.line}: ${v.severity}: ${v.message} (${v.kind})`).join('\n') : 'no violations';
    return { content: text, structured: { violations } };
  },
});

/** The file's content on disk: the "before" of an edit; a file that does not exist yet is empty. */
async function currentContent(absolute: string, relative: string): Promise<string> {
  try {
    return (await readRegularFile(absolute)).toString('utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return '';
    if (code === 'EISDIR') throw new Error(`${relative} is a folder, not a file`);
    throw new Error(`cannot read ${relative}: ${(err as Error).message}`);
  }
}
