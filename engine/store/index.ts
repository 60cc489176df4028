/** Plumbline's persistence (SPEC §8): one sql.js database per workspace. No SQL leaves this folder. */
export { Store, StoreReadOnlyError, type StoreOptions } from './store';
export type { CorruptFile, ReadOnly } from './openFile';
export type { NewRun, RunUpdate } from './runs';
export type { NewViolation, ViolationQuery } from './agents';
export { messageRoles, runStates } from './records';
export type { Agent, AgentKind, AgentState, Conversation, Json, Message, MessageRole, Run, RunEvent, RunState, ViolationRecord } from './records';
export { dailyStats } from './stats';
