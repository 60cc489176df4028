import type { RunEventRow } from '../../engine/protocol/missionControl';
import { formatCost, formatDuration } from './format';

/**
 * How the views read run events. Payloads arrive as any JSON (the engine adds event types over
 * time), so every field is read defensively: a missing or odd field shows less, never throws.
 */

export const eventKinds = ['model', 'tool', 'edit', 'approval', 'error', 'state', 'other'] as const;
export type EventKind = (typeof eventKinds)[number];
export const kindLabels: Record<EventKind, string> = {
  model: 'Model',
  tool: 'Tools',
  edit: 'Edits and guard',
  approval: 'Approvals and questions',
  error: 'Errors and retries',
  state: 'State',
  other: 'Other',
};

export const eventLevels = ['info', 'warning', 'error'] as const;
export type EventLevel = (typeof eventLevels)[number];

/** Which events the list shows; kept in the view state. */
export interface EventFilters {
  kinds: EventKind[];
  levels: EventLevel[];
}
export const defaultEventFilters: EventFilters = { kinds: [...eventKinds], levels: [...eventLevels] };

const kindOfType: Record<string, EventKind> = {
  'model-request': 'model',
  'model-response': 'model',
  text: 'model',
  usage: 'model',
  'tool-call': 'tool',
  'tool-result': 'tool',
  edit: 'edit',
  guard: 'edit',
  checkpoint: 'edit',
  undone: 'edit',
  'approval-request': 'approval',
  approval: 'approval',
  question: 'approval',
  answer: 'approval',
  error: 'error',
  retry: 'error',
  quarantined: 'error',
  start: 'state',
  state: 'state',
  'stop-requested': 'state',
  result: 'state',
};

export function kindOf(event: RunEventRow): EventKind {
  return kindOfType[event.type] ?? 'other';
}

export function field(data: unknown, key: string): unknown {
  return data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>)[key] : undefined;
}

export function text(data: unknown, key: string): string | undefined {
  const value = field(data, key);
  return typeof value === 'string' ? value : undefined;
}

export function num(data: unknown, key: string): number | undefined {
  const value = field(data, key);
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function count(data: unknown, key: string): number {
  const value = field(data, key);
  return Array.isArray(value) ? value.length : 0;
}

export function levelOf(event: RunEventRow): EventLevel {
  const { type, data } = event;
  if (type === 'error' || type === 'quarantined') return 'error';
  if (type === 'tool-result' && field(data, 'isError') === true) return 'error';
  if ((type === 'guard' || type === 'edit') && count(data, 'violations') > 0) return 'error';
  if (type === 'retry' || type === 'stop-requested') return 'warning';
  if (type === 'approval' && field(data, 'approved') === false) return 'warning';
  return 'info';
}

/** The argument that tells tool calls apart at a glance: the file, the command, the query. */
export function toolTarget(raw: unknown): string {
  // The engine records arguments as the JSON text the model sent; it may not even be valid JSON.
  let args = raw;
  if (typeof raw === 'string') {
    try {
      args = JSON.parse(raw) as unknown;
    } catch {
      return '';
    }
  }
  for (const key of ['path', 'file', 'command', 'query', 'taskId', 'question']) {
    const value = text(args, key);
    if (value) return oneLine(value, 60);
  }
  return '';
}

export function oneLine(value: string, max = 160): string {
  const flat = value.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** One line that says what happened, for the events list. */
export function summarize(event: RunEventRow): string {
  const d = event.data;
  const s = (key: string) => text(d, key) ?? '';
  switch (event.type) {
    case 'start':
      return oneLine(`${s('model')} · ${s('prompt')}`);
    case 'state':
      return `now ${s('state')}`;
    case 'model-request':
      return `step ${num(d, 'step') ?? '?'}, attempt ${(num(d, 'attempt') ?? 0) + 1}, ${num(d, 'messages') ?? 0} messages`;
    case 'model-response': {
      const calls = field(d, 'toolCalls');
      const names = Array.isArray(calls) ? calls.filter((c): c is string => typeof c === 'string') : [];
      const took = num(d, 'durationMs');
      return oneLine(`step ${num(d, 'step') ?? '?'}${took === undefined ? '' : ` in ${formatDuration(took)}`}${names.length ? ` → ${names.join(', ')}` : ''}${s('text') ? ` · ${s('text')}` : ''}`);
    }
    case 'text':
      return oneLine(s('text'));
    case 'usage': {
      const cost = num(d, 'cost') ?? 0;
      return `${num(d, 'input') ?? 0} in, ${num(d, 'output') ?? 0} out${cost > 0 ? ` · ${formatCost(cost)} so far` : ''}`;
    }
    case 'tool-call':
      return oneLine(`${s('name')} ${toolTarget(field(d, 'arguments'))}`);
    case 'tool-result': {
      const took = num(d, 'durationMs');
      return oneLine(`${s('name')} ${field(d, 'isError') === true ? 'failed' : 'ok'}${took === undefined ? '' : ` in ${formatDuration(took)}`} · ${s('content')}`);
    }
    case 'edit':
    case 'guard':
      return `${s('file')}: ${count(d, 'violations') || 'no'} violation(s)`;
    case 'checkpoint':
      return `${s('file')} saved before the edit`;
    case 'approval-request':
      return oneLine(s('kind') === 'command' ? `asks to run ${s('command')}` : s('kind') === 'edit' ? `asks to edit ${s('path')}` : `asks: ${s('reason')}`);
    case 'approval':
      return `${field(d, 'approved') === true ? 'approved' : 'denied'}${s('command') || s('path') ? `: ${oneLine(s('command') || s('path'), 100)}` : ''}`;
    case 'question':
      return oneLine(s('question'));
    case 'answer':
      return oneLine(s('answer'));
    case 'retry':
      return oneLine(`attempt ${num(d, 'attempt') ?? '?'} in ${formatDuration(num(d, 'delayMs') ?? 0)}: ${s('reason')}${num(d, 'status') ? ` ${num(d, 'status')}` : ''} ${s('message')}`);
    case 'error':
      return oneLine(s('message'));
    case 'quarantined':
      return `${s('file')}: ${count(d, 'violations')} violation(s)`;
    case 'stop-requested':
      return oneLine(s('reason') || 'stop requested');
    case 'result': {
      const outcome = field(d, 'outcome');
      const summary = text(outcome, 'summary');
      return oneLine(`${s('state') || 'ended'}${s('error') ? `: ${s('error')}` : ''}${summary ? ` · ${summary}` : ''}`);
    }
    default:
      return oneLine(JSON.stringify(d) ?? '');
  }
}
