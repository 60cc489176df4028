import type { MessageHandlers, MessageOf, MessageType, ViewProtocol } from '../../engine/protocol/messages';

/** The API VS Code injects into a webview; acquireVsCodeApi() may be called only once per load. */
interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode: VsCodeApi = acquireVsCodeApi();

/**
 * A view's connection to the extension host: the only place a webview touches
 * acquireVsCodeApi. Incoming messages are validated against the view's protocol; one of the
 * wrong shape is dropped and reported back to the host log, and the view keeps working.
 */
export interface HostConnection<Out extends readonly MessageType[]> {
  post(message: MessageOf<Out[number]>): void;
  /** The view's saved UI state (restored when the view is hidden and shown again). */
  getState(): unknown;
  setState(state: unknown): void;
  dispose(): void;
}

export function connectToHost<In extends readonly MessageType[], Out extends readonly MessageType[]>(
  protocol: ViewProtocol<Out, In>,
  handlers: MessageHandlers<NoInfer<In>>,
  reportProblem: (message: string) => MessageOf<Out[number]>,
): HostConnection<Out> {
  const listener = (event: MessageEvent<unknown>) => {
    const parsed = protocol.toWebview.parse(event.data);
    if (!parsed.ok) {
      console.warn(`Plumbline: rejected a message from the host: ${parsed.error}`);
      vscode.postMessage(reportProblem(`rejected a message from the host: ${parsed.error}`.slice(0, 2000)));
      return;
    }
    void (async () => {
      try {
        await protocol.toWebview.dispatch(handlers, parsed.message);
      } catch (err) {
        vscode.postMessage(reportProblem(`handling "${parsed.message.method}" failed: ${String(err)}`.slice(0, 2000)));
      }
    })();
  };
  window.addEventListener('message', listener);
  return {
    post: (message) => vscode.postMessage(message),
    getState: () => vscode.getState(),
    setState: (state) => vscode.setState(state),
    dispose: () => window.removeEventListener('message', listener),
  };
}
