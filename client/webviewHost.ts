import * as vscode from 'vscode';
import type { Logger } from '../engine/log';
import type { MessageHandlers, MessageOf, MessageType, ViewProtocol } from '../engine/protocol/messages';
import { newNonce, webviewHtml, type WebviewName } from './webviewHtml';

/**
 * Loads a view's bundle into a webview: scripts on, resources limited to dist/webviews, a fresh
 * nonce and the strict CSP of webviewHtml().
 */
export function loadWebview(webview: vscode.Webview, extensionUri: vscode.Uri, name: WebviewName, title: string): void {
  const root = vscode.Uri.joinPath(extensionUri, 'dist', 'webviews');
  webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [root] };
  webview.html = webviewHtml({
    title,
    cspSource: webview.cspSource,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, `${name}.js`)).toString(),
    codiconsUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'codicon.css')).toString(),
    nonce: newNonce(),
  });
}

/**
 * Connects a webview to its handlers: every incoming message is validated against the view's
 * protocol, a message of the wrong shape is logged and dropped (the view keeps working), and
 * the returned `post` only accepts messages the protocol declares.
 */
export function connectWebview<In extends readonly MessageType[], Out extends readonly MessageType[]>(
  view: string,
  webview: vscode.Webview,
  protocol: ViewProtocol<In, Out>,
  handlers: MessageHandlers<NoInfer<In>>,
  log: Logger,
): { post(message: MessageOf<Out[number]>): Thenable<boolean>; subscription: vscode.Disposable } {
  const subscription = webview.onDidReceiveMessage(async (raw: unknown) => {
    const parsed = protocol.fromWebview.parse(raw);
    if (!parsed.ok) {
      log.warn(`${view} view: rejected a message: ${parsed.error}`);
      return;
    }
    try {
      await protocol.fromWebview.dispatch(handlers, parsed.message);
    } catch (err) {
      log.error(`${view} view: handling "${parsed.message.method}" failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  return { post: (message) => webview.postMessage(message), subscription };
}
