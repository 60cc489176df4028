import { z } from 'zod';

/**
 * What the extension tests (inside VS Code's extension host) and the runner (outside, driving
 * the browser) say to each other over the runner's loopback HTTP server. The tests cannot see
 * the page, so they ask the runner to look at it for them.
 */
export const TestEvent = z.object({
  state: z.enum(['passed', 'failed', 'pending']),
  title: z.string(),
  durationMs: z.number().optional(),
  error: z.string().optional(),
});

export const RunResult = z.object({ passed: z.number(), failed: z.number(), pending: z.number() });

/** POST /screenshot: saves test/artifacts/vscode-<version>/<name>.png of the whole workbench. */
export const ScreenshotRequest = z.object({ name: z.string().regex(/^[\w.-]+$/) });

/** POST /workbench-text: the visible text of the first element matching a CSS selector. */
export const WorkbenchTextRequest = z.object({ selector: z.string() });

/** POST /webview-text: the text (shadow DOM included) of the webview whose page title is `title`. */
export const WebviewTextRequest = z.object({ title: z.string() });

/**
 * POST /workbench-click: clicks, in the workbench, the element `inner` inside the first element
 * matching `selector` whose text contains `hasText` (e.g. a tree row's twistie or checkbox).
 */
export const WorkbenchClickRequest = z.object({ selector: z.string(), hasText: z.string().optional(), inner: z.string().optional(), press: z.string().optional() });

/** POST /workbench-type: focuses the first workbench element matching `selector` and types `text` key by key (`\n` presses Enter). */
export const WorkbenchTypeRequest = z.object({ selector: z.string(), text: z.string() });

/** POST /webview-texts: the inner text of every element matching `selector` (shadow DOM pierced) in the webview titled `title`. */
export const WebviewTextsRequest = z.object({ title: z.string(), selector: z.string() });

/** POST /webview-box: the height on screen of the first element matching `selector` in the webview titled `title`, and its line height, in CSS pixels. */
export const WebviewBoxRequest = z.object({ title: z.string(), selector: z.string() });

/** POST /webview-click: clicks the first element matching `selector` in the webview titled `title`, as a person would. */
export const WebviewClickRequest = z.object({ title: z.string(), selector: z.string() });

/** POST /webview-type: focuses `selector` in the webview titled `title`, types `text` as keystrokes, then presses `press` (e.g. Enter). */
export const WebviewTypeRequest = z.object({ title: z.string(), selector: z.string(), text: z.string(), press: z.string().optional() });

/**
 * POST /webview-post: sends `message` from inside the webview titled `title`, through the same
 * channel acquireVsCodeApi().postMessage uses, so the host sees exactly what a webview could send.
 */
export const WebviewPostRequest = z.object({ title: z.string(), message: z.unknown() });

/** POST /log: the text of the output channel's log file named `channel`, as the person sees it. */
export const LogRequest = z.object({ channel: z.string() });

/** POST /artifact: writes `content` to test/artifacts/vscode-<version>/<name>, for the benchmarks to read. */
export const ArtifactRequest = z.object({ name: z.string().regex(/^[\w-]+\.json$/), content: z.string() });

/** One extension's activation as VS Code reports it (Developer: Startup Performance), whole ms. */
export const ReportedActivation = z.object({
  /** Reading and running the extension's main module. */
  loadCodeMs: z.number(),
  /** activate() until it returned (its synchronous part). */
  callActivateMs: z.number(),
  /** From activate() returning until its promise resolved. */
  finishActivateMs: z.number(),
  /** What activated it: onStartupFinished, api (a test or another extension asked), … */
  event: z.string(),
});
export type ReportedActivation = z.infer<typeof ReportedActivation>;

/** test/artifacts/vscode-<version>/activation.json, written by the activation test, read by bench/activation.bench.ts. */
export const ActivationRecord = z.object({
  vscode: z.string(),
  /** Plumbline's own measure (PlumblineApi.activation). */
  activateMs: z.number(),
  /** VS Code's figures for every extension activated in the window, by lower-case id. */
  reported: z.record(z.string(), ReportedActivation),
});
export type ActivationRecord = z.infer<typeof ActivationRecord>;

export const TextResponse = z.object({ text: z.string() });
