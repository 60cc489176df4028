import { z } from 'zod';
import { GuardViolation } from './lsp';

/**
 * A guard finding as the world outside sees it (SPEC §7's JSON, lines 1-based): the CLI's
 * `check-edit`, the hub's `edits/report` and MCP's `check_edit` all answer with it. Made by
 * `violationJson` in engine/guard.
 */
export const ViolationJson = GuardViolation.extend({ line: z.number().int().positive(), endLine: z.number().int().positive() });
export type ViolationJson = z.infer<typeof ViolationJson>;
