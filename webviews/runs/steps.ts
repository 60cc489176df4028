import type { RunEventRow } from '../../engine/protocol/missionControl';
import { field, num, text, toolTarget } from './events';

/** One bar of a run's timeline: a model call (with its retries) or a tool call. */
export interface Step {
  key: string;
  kind: 'model' | 'tool';
  /** "model step 2", "edit_file src/a.ts". */
  name: string;
  start: number;
  /** Null while the step is still open. */
  end: number | null;
  failed: boolean;
}

/**
 * Pairs a run's events into steps: model-request → model-response of the same step (a retry in
 * between belongs to that step, so the bar covers the waiting too) and tool-call → tool-result by
 * call id. Times come from the events' own timestamps so every bar is on the same clock.
 */
export function stepsOf(events: readonly RunEventRow[]): Step[] {
  const steps: Step[] = [];
  const openModel = new Map<number, Step>();
  const openTools = new Map<string, Step>();
  for (const event of events) {
    const { type, data, at } = event;
    if (type === 'model-request') {
      const step = num(data, 'step') ?? steps.length;
      if (openModel.has(step)) continue;
      const entry: Step = { key: `model-${event.seq}`, kind: 'model', name: `model step ${step}`, start: at, end: null, failed: false };
      openModel.set(step, entry);
      steps.push(entry);
    } else if (type === 'model-response') {
      const step = num(data, 'step');
      const entry = step === undefined ? undefined : openModel.get(step);
      if (entry && step !== undefined) {
        entry.end = Math.max(at, entry.start);
        openModel.delete(step);
      }
    } else if (type === 'tool-call') {
      const id = text(data, 'id') ?? `seq-${event.seq}`;
      const target = toolTarget(field(data, 'arguments'));
      const entry: Step = { key: `tool-${event.seq}`, kind: 'tool', name: `${text(data, 'name') ?? 'tool'}${target ? ` ${target}` : ''}`, start: at, end: null, failed: false };
      openTools.set(id, entry);
      steps.push(entry);
    } else if (type === 'tool-result') {
      const id = text(data, 'id');
      const entry = id === undefined ? undefined : openTools.get(id);
      if (entry && id !== undefined) {
        entry.end = Math.max(at, entry.start);
        entry.failed = field(data, 'isError') === true;
        openTools.delete(id);
      }
    }
  }
  return steps;
}

/** The span a timeline covers: from the run's start to its end, or to now while it is live. */
export function spanOf(startedAt: number, endedAt: number | null, events: readonly RunEventRow[], now: number): { from: number; to: number } {
  const from = Math.min(startedAt, events[0]?.at ?? startedAt);
  const last = events.at(-1)?.at ?? from;
  const to = Math.max(endedAt ?? now, last, from + 1);
  return { from, to };
}
