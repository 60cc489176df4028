import type { Frame, Page } from 'playwright-core';

/**
 * Reading the workbench the way a person sees it. Webviews live in nested iframes: an outer
 * `index.html` frame owned by VS Code and, inside it, the frame holding the view's own page.
 */
export async function findWebviewFrame(page: Page, title: string, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  let seen: string[] = [];
  for (;;) {
    seen = [];
    const matches: Frame[] = [];
    for (const frame of page.frames()) {
      if (frame.isDetached() || !frame.url().includes('/webview/') || frame.url().includes('index.html')) continue;
      // A frame that is still loading (or being torn down) can keep title() waiting: ask each
      // frame briefly, so one slow frame never uses up the whole deadline.
      const frameTitle = await Promise.race([frame.title().catch(() => ''), delay(1_000).then(() => '(no answer)')]);
      if (frameTitle === title) matches.push(frame);
      else seen.push(frameTitle || '(untitled)');
    }
    // A view closed and opened again can leave its old frame behind for a while, empty, and
    // frames come in page order, not in the order they were made: the one on screen is the
    // visible one (the last of them, if several are).
    if (matches.length) {
      const visible: Frame[] = [];
      for (const frame of matches) if (await isShown(frame)) visible.push(frame);
      return (visible.length ? visible : matches)[(visible.length ? visible : matches).length - 1];
    }
    if (Date.now() > deadline) throw new Error(`no webview titled "${title}" is open after ${timeoutMs / 1000} s (open: ${seen.join(', ') || 'none'})`);
    await delay(200);
  }
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Whether a frame's element, and the webview around it, is on screen (VS Code hides inactive webviews). */
async function isShown(frame: Frame): Promise<boolean> {
  const check = (async () => {
    const element = await frame.frameElement();
    const own = await element.isVisible();
    const parent = frame.parentFrame();
    const outer = parent ? await parent.frameElement().then((e) => e.isVisible(), () => true) : true;
    return own && outer;
  })().catch(() => false);
  return Promise.race([check, delay(1_000).then(() => false)]);
}

/**
 * All text under the body, descending into shadow roots (lit components render there). A string,
 * not a function: tsx would wrap a function's inner helpers in its `__name` helper, which does
 * not exist in the page.
 */
const deepTextScript = `(() => {
  const parts = [];
  const walk = (node) => {
    if (node.nodeType === Node.TEXT_NODE) {
      const text = node.textContent.trim();
      if (text) parts.push(text);
      return;
    }
    if (node instanceof Element) {
      if (node.tagName === 'STYLE' || node.tagName === 'SCRIPT') return;
      if (node.shadowRoot) node.shadowRoot.childNodes.forEach(walk);
    }
    node.childNodes.forEach(walk);
  };
  walk(document.body);
  return parts.join(' ');
})()`;

export function deepText(frame: Frame): Promise<string> {
  return frame.evaluate<string>(deepTextScript);
}

/** Posts a message from inside a webview through VS Code's own webview → host channel. */
export async function postFromWebview(frame: Frame, message: unknown): Promise<void> {
  const outer = frame.parentFrame();
  if (!outer) throw new Error('webview frame has no host frame');
  await outer.evaluate((data) => {
    const post = (window as unknown as Record<string, (channel: string, data: unknown) => void>).__vscode_post_message__;
    post('onmessage', { message: data });
  }, message);
}
