import { claudeCode } from './claudeCode';
import { cline } from './cline';
import { codex } from './codex';
import { cursor } from './cursor';
import { copilot } from './copilot';
import { gemini } from './gemini';
import { kiro } from './kiro';
import type { Harness } from './harness';

export type { Harness, HookAnswer, HookRequest } from './harness';
export { checkHook } from './checkHook';

/** Every harness `plumbline hook` answers, one module each. */
export const harnesses: readonly Harness[] = [claudeCode, cline, codex, copilot, cursor, gemini, kiro];

export function harnessNamed(name: string): Harness | undefined {
  return harnesses.find((h) => h.name === name);
}
