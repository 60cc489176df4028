import { z } from 'zod';

/**
 * What the view remembers when VS Code hides and shows it again (getState/setState): the draft,
 * the conversation it showed, the tool cards the person opened and where they had scrolled.
 * Parsed, not trusted: an older or damaged state falls back to defaults field by field.
 */
const SavedState = z.object({
  draft: z.string().catch(''),
  activeId: z.string().nullable().catch(null),
  expanded: z.array(z.string()).catch([]),
  scroll: z.object({ conversationId: z.string(), top: z.number().nonnegative() }).nullable().catch(null),
});
export type SavedState = z.infer<typeof SavedState>;

export const emptyState: SavedState = { draft: '', activeId: null, expanded: [], scroll: null };

export function parseSavedState(raw: unknown): SavedState {
  const parsed = SavedState.safeParse(raw);
  return parsed.success ? parsed.data : emptyState;
}

/** Open cards beyond this many are forgotten, oldest first: the state is saved on every change. */
export const maxExpanded = 200;
