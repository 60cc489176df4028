/**
 * The tests' line to the runner outside VS Code (test/vscode/runner): it owns the browser, so
 * it looks at the page for us. Absent when the suite runs on desktop VS Code through
 * .vscode-test.mjs; then `available` is false and page checks are skipped with a note.
 */
const base = process.env.PLUMBLINE_TEST_RUNNER_URL;

export const available = base !== undefined;

export async function ask<T = { text: string }>(route: string, body: unknown): Promise<T> {
  if (!base) throw new Error('no test runner: this check needs the browser harness (npm run test:vscode)');
  const response = await fetch(`${base}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const value = (await response.json()) as T & { error?: string };
  if (!response.ok) throw new Error(`runner ${route}: ${value.error ?? response.status}`);
  return value;
}

/** Saves test/artifacts/vscode-<version>/<name>.png of the workbench as it is now (the runner knows the version). */
export async function screenshot(name: string): Promise<void> {
  if (available) await ask('/screenshot', { name });
}

/** Writes `value` as JSON to test/artifacts/vscode-<version>/<name> (the runner knows the version), for the benchmarks. */
export async function writeArtifact(name: string, value: unknown): Promise<void> {
  if (available) await ask('/artifact', { name, content: `${JSON.stringify(value, null, 2)}\n` });
}

export async function workbenchText(selector: string): Promise<string> {
  return (await ask('/workbench-text', { selector })).text;
}

/** Clicks `inner` inside the first workbench element matching `selector` that contains `hasText`, then presses `press` (e.g. End). */
export async function clickInWorkbench(selector: string, hasText?: string, inner?: string, press?: string): Promise<void> {
  await ask('/workbench-click', { selector, hasText, inner, press });
}

/** Focuses the first workbench element matching `selector` and types `text` as keystrokes (`\n` is Enter). */
export async function typeInWorkbench(selector: string, text: string): Promise<void> {
  await ask('/workbench-type', { selector, text });
}

export async function webviewText(title: string): Promise<string> {
  return (await ask('/webview-text', { title })).text;
}

/** The height on screen of the first element matching `selector` in a webview, and its line height (CSS pixels). */
export async function webviewBox(title: string, selector: string): Promise<{ height: number; lineHeight: number }> {
  return ask<{ height: number; lineHeight: number }>('/webview-box', { title, selector });
}

/** The inner texts of every element matching `selector` in a webview (Playwright pierces shadow roots). */
export async function webviewTexts(title: string, selector: string): Promise<string[]> {
  return (await ask<{ texts: string[] }>('/webview-texts', { title, selector })).texts;
}

export async function clickInWebview(title: string, selector: string): Promise<void> {
  await ask('/webview-click', { title, selector });
}

/** Types into a field of a webview as a person would (keystrokes), then presses `press`. */
export async function typeInWebview(title: string, selector: string, text: string, press?: string): Promise<void> {
  await ask('/webview-type', { title, selector, text, press });
}

export async function postFromWebview(title: string, message: unknown): Promise<void> {
  await ask('/webview-post', { title, message });
}

export async function channelLog(channel: string): Promise<string> {
  return (await ask('/log', { channel })).text;
}

/** Polls `check` until it returns a truthy value or the time is up; returns that value. */
export async function eventually<T>(check: () => Promise<T>, what: string, timeoutMs = 15_000): Promise<Exclude<T, undefined | null | false | '' | 0>> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  let lastError: unknown;
  for (;;) {
    try {
      last = await check();
      if (last) return last as Exclude<T, undefined | null | false | '' | 0>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
