import type { ChatItem } from '../../engine/protocol/chatView';

/**
 * The shown conversation's items: replace by id, else append; streamed text appended to its
 * assistant item. Returns new arrays (lit compares by identity) and never mutates.
 */
export function upsertItem(items: readonly ChatItem[], item: ChatItem): ChatItem[] {
  const index = items.findIndex((i) => i.id === item.id);
  if (index < 0) return [...items, item];
  const next = items.slice();
  next[index] = item;
  return next;
}

/**
 * Appends streamed text. A delta for an id the view does not have yet starts a streaming
 * assistant item (its text is not lost if the `item` went missing or comes later); a delta for
 * an item of another kind is a host mistake worth reporting.
 */
export function applyDeltas(items: readonly ChatItem[], deltas: ReadonlyMap<string, string>): { items: ChatItem[]; problems: string[] } {
  let next = items.slice();
  const problems: string[] = [];
  for (const [itemId, text] of deltas) {
    const index = next.findIndex((i) => i.id === itemId);
    if (index < 0) {
      next = [...next, { kind: 'assistant', id: itemId, text, streaming: true }];
      continue;
    }
    const target = next[index];
    if (target.kind !== 'assistant') {
      problems.push(`textDelta for item "${itemId}", which is a ${target.kind} item, not an assistant one`);
      continue;
    }
    next[index] = { ...target, text: target.text + text };
  }
  return { items: next, problems };
}
