/** engine/plans: the task tracker over plan files (SPEC §1). */
export * from './model';
export { parsePlan } from './parse';
export { PlanIndex, type TaskRef } from './planIndex';
export { setStatus, toggleCheckbox, type EditResult, type SetStatusOptions } from './edit';
export { applyEdits, invertEdits, type TextEdit } from './text';
export { parseStatus, parsePriority } from './words';
export * from './files';
export { isPlan, loadPlans, readPlanDocument } from './load';
export { dependencyRefsOnLine, type DependencyRef } from './references';
export { editPlanOnDisk, PlanEditError } from './diskEdit';
