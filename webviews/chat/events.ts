import type { FromWebview } from '../../engine/protocol/chatView';

/**
 * Components never talk to the host themselves: they fire this event with the message, and the
 * root (the only holder of the host connection) posts it. Composed, so it leaves shadow roots.
 */
export const postEvent = 'plumbline-post';
export type PostEvent = CustomEvent<FromWebview>;

export function requestPost(from: EventTarget, message: FromWebview): void {
  from.dispatchEvent(new CustomEvent(postEvent, { detail: message, bubbles: true, composed: true }));
}

/** A UI change worth remembering across hide/show (a card opened, the transcript scrolled). */
export function fire<T>(from: EventTarget, name: string, detail: T): void {
  from.dispatchEvent(new CustomEvent<T>(name, { detail, bubbles: true, composed: true }));
}

/** The focused element, looking through shadow roots (document.activeElement stops at the first host). */
export function deepActiveElement(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/** Whether focus is inside `host`, including inside its shadow root and nested ones. */
export function hasFocusWithin(host: Element): boolean {
  let active = document.activeElement;
  while (active) {
    if (active === host) return true;
    active = active.shadowRoot?.activeElement ?? null;
  }
  return false;
}
