import * as z from '../zodMini';
import { parsePatch } from './codex';
import { firstIssue, replaceInTurn, replaceText, type Harness, type HookRequest } from './harness';

/**
 * GitHub Copilot, in two hosts that share the refusal:
 * - VS Code's agent hooks: `PreToolUse` with `tool_name` and `tool_input`, for its edit tools
 *   `create_file` (`filePath`, `content`), `replace_string_in_file` (`filePath`, `oldString`,
 *   `newString`), `multi_replace_string_in_file` (`replacements[]`) and `apply_patch` (`input`,
 *   the same envelope as Codex's), with or without the `copilot_` prefixed names;
 * - Copilot CLI's `preToolUse`: `toolName` and `toolArgs` (an object or its JSON), for `create`
 *   (`path`, `file_text`) and `edit` / `str_replace` (`path`, `old_str`, `new_str`).
 * A refusal is JSON on stdout, exit 0: `hookSpecificOutput.permissionDecision: "deny"` with
 * `permissionDecisionReason` (VS Code), and the same two fields at the top level (Copilot CLI).
 * `insert_edit_into_file` passes unchecked: its `code` marks kept code with `...existing code...`
 * by design, and only the tool knows how it merges.
 */
const VsCode = z.object({ cwd: z.string(), hook_event_name: z.string(), tool_name: z.string(), tool_input: z.record(z.string(), z.unknown()) });
const Cli = z.object({ cwd: z.string(), toolName: z.string(), toolArgs: z.union([z.string(), z.record(z.string(), z.unknown())]) });
const Replacement = z.object({ filePath: z.string(), oldString: z.string(), newString: z.string() });

export const copilot: Harness = {
  name: 'copilot',
  read(raw) {
    const vscode = VsCode.safeParse(raw);
    if (vscode.success) return vscode.data.hook_event_name === 'PreToolUse' ? vsCodeTool(vscode.data.cwd, vscode.data.tool_name.replace(/^copilot_/, ''), vscode.data.tool_input) : { kind: 'pass' };
    const cli = Cli.safeParse(raw);
    if (!cli.success) return { kind: 'unreadable', why: 'not a Copilot hook payload (neither tool_name/tool_input nor toolName/toolArgs)' };
    let args: unknown = cli.data.toolArgs;
    if (typeof args === 'string') {
      try {
        args = JSON.parse(args);
      } catch {
        return { kind: 'unreadable', why: `${cli.data.toolName}: toolArgs is not JSON` };
      }
    }
    return cliTool(cli.data.cwd, cli.data.toolName, args);
  },
  refuse: (reason) => ({
    exitCode: 0,
    stdout: `${JSON.stringify({
      permissionDecision: 'deny',
      permissionDecisionReason: reason,
      hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: reason },
    })}\n`,
  }),
};

const tools = {
  createFile: z.object({ filePath: z.string(), content: z.string() }),
  replace: Replacement,
  multiReplace: z.object({ replacements: z.array(Replacement).check(z.minLength(1)) }),
  patch: z.object({ input: z.string() }),
};

function vsCodeTool(cwd: string, tool: string, input: unknown): HookRequest {
  const bad = (error: z.core.$ZodError): HookRequest => ({ kind: 'unreadable', why: `${tool}: ${firstIssue(error)}` });
  switch (tool) {
    case 'create_file':
    case 'createFile': {
      const args = tools.createFile.safeParse(input);
      return args.success ? { kind: 'edit', cwd, files: [{ file: args.data.filePath, apply: () => args.data.content }] } : bad(args.error);
    }
    case 'replace_string_in_file':
    case 'replaceString': {
      const args = tools.replace.safeParse(input);
      return args.success ? { kind: 'edit', cwd, files: [{ file: args.data.filePath, apply: (before) => replaceText(before ?? '', args.data.oldString, args.data.newString) }] } : bad(args.error);
    }
    case 'multi_replace_string_in_file':
    case 'multiReplaceString': {
      const args = tools.multiReplace.safeParse(input);
      if (!args.success) return bad(args.error);
      // Replacements of one file apply in turn to that file.
      const byFile = new Map<string, z.infer<typeof Replacement>[]>();
      for (const r of args.data.replacements) byFile.set(r.filePath, [...(byFile.get(r.filePath) ?? []), r]);
      return {
        kind: 'edit',
        cwd,
        files: [...byFile].map(([file, list]) => ({
          file,
          apply: (before: string | null) => replaceInTurn(before, list.map((r) => ({ from: r.oldString, to: r.newString }))),
        })),
      };
    }
    case 'apply_patch':
    case 'applyPatch': {
      const args = tools.patch.safeParse(input);
      if (!args.success) return bad(args.error);
      const files = parsePatch(args.data.input);
      return files instanceof Error ? { kind: 'unreadable', why: `${tool}: ${files.message}` } : { kind: 'edit', cwd, files };
    }
    default:
      return { kind: 'pass' };
  }
}

const cliTools = {
  create: z.object({ path: z.string(), file_text: z.string() }),
  edit: z.object({ path: z.string(), old_str: z.string(), new_str: z.string() }),
};

function cliTool(cwd: string, tool: string, input: unknown): HookRequest {
  if (tool === 'create') {
    const args = cliTools.create.safeParse(input);
    return args.success ? { kind: 'edit', cwd, files: [{ file: args.data.path, apply: () => args.data.file_text }] } : { kind: 'unreadable', why: `create: ${firstIssue(args.error)}` };
  }
  if (tool === 'edit' || tool === 'str_replace') {
    const args = cliTools.edit.safeParse(input);
    return args.success
      ? { kind: 'edit', cwd, files: [{ file: args.data.path, apply: (before) => replaceText(before ?? '', args.data.old_str, args.data.new_str) }] }
      : { kind: 'unreadable', why: `${tool}: ${firstIssue(args.error)}` };
  }
  return { kind: 'pass' };
}
