import { z } from 'zod';
import { defaultEventFilters, eventKinds, eventLevels, type EventFilters } from './events';
import { defaultRunFilters, runStateFilters, type RunFilters } from './runFilters';

/**
 * What Mission Control keeps through setState, so hiding and showing the panel loses nothing.
 * Read back leniently: a state saved by an older version (or a damaged one) falls back field by
 * field to the defaults instead of breaking the view.
 */
export interface ViewState {
  selectedRunId: string | null;
  runFilters: RunFilters;
  eventFilters: EventFilters;
  /** Events of the selected run whose payload is open, by seq. */
  expanded: number[];
}

const schema = z.object({
  selectedRunId: z.string().min(1).nullable().catch(null),
  runFilters: z
    .object({ state: z.enum(runStateFilters).catch('all'), text: z.string().catch('') })
    .catch({ ...defaultRunFilters }),
  eventFilters: z
    .object({
      kinds: z.array(z.enum(eventKinds)).catch([...eventKinds]),
      levels: z.array(z.enum(eventLevels)).catch([...eventLevels]),
    })
    .catch({ kinds: [...defaultEventFilters.kinds], levels: [...defaultEventFilters.levels] }),
  expanded: z.array(z.number().int()).catch([]),
});

export function readViewState(saved: unknown): ViewState {
  return schema.parse(saved && typeof saved === 'object' ? saved : {});
}

export function parseRunFilters(value: unknown): RunFilters {
  return schema.shape.runFilters.parse(value);
}
