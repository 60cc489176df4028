/** engine/guard: checks agent edits for placeholder drops, incomplete code and broken syntax (SPEC §2). */
export { Guard, restoreDropped } from './checkEdit';
export { guardLanguage, knownLanguage, languageOfFile, type GuardLanguage } from './languages';
export { violationJson } from './model';
export type { Violation, ViolationKind, ViolationSeverity } from './model';
export { SyntaxTrees } from './syntaxTree';
