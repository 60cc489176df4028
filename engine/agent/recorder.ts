import type { Violation } from '../guard';
import type { AgentKind, Json, Store } from '../store';
import type { RunEvent, RunResult, RunState } from './run';

/**
 * Keeps a run in the store (SPEC §8): its row (state, steps, tokens, cost) and every event, and
 * the guard's findings as violations of the agent. Returns the event sink to give the run.
 */
export function recordRun(
  store: Store,
  run: { id: string; agentId: string; agentName: string; kind?: AgentKind; prompt: string; provider: string; model: string; task?: { file: string; id: string }; conversationId?: string },
): (event: RunEvent) => void {
  if (store.readOnly) return () => undefined;
  store.upsertAgent({ id: run.agentId, name: run.agentName, kind: run.kind ?? 'own' });
  store.createRun({ id: run.id, prompt: run.prompt, provider: run.provider, model: run.model, taskFile: run.task?.file ?? null, taskId: run.task?.id ?? null, conversationId: run.conversationId ?? null, state: 'queued' });
  return (event) => {
    const { type, runId, at, ...data } = event;
    store.appendEvent(runId, type, JSON.parse(JSON.stringify(data)) as Json);
    if (type === 'state') store.updateRun(runId, { state: data.state as RunState });
    if (type === 'edit' || type === 'quarantined') {
      for (const v of (data.violations as Violation[]) ?? []) {
        if (type === 'edit' && v.severity === 'critical') continue; // recorded once, with the quarantine
        store.addViolation({ runId, agentId: run.agentId, file: data.file as string, kind: v.kind, severity: v.severity, line: v.line + 1, message: v.message });
      }
    }
    if (type === 'quarantined') store.setAgentState(run.agentId, 'quarantined', `dropped code in ${data.file as string}`);
    if (type === 'result') {
      const result = data as unknown as Omit<RunResult, 'runId'>;
      store.updateRun(runId, { state: result.state, endedAt: Date.parse(at), steps: result.steps, inputTokens: result.tokens.input, outputTokens: result.tokens.output, cost: result.cost, error: result.error ?? null });
      store.prune();
    }
  };
}
