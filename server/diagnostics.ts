import type { Connection, Diagnostic } from 'vscode-languageserver/node';

/**
 * Several parts of the server report on the same file (plan problems and guard findings on a
 * plan file, for instance); LSP keeps one list per file, so each part sets its own and this
 * publishes the union.
 */
export class Diagnostics {
  private readonly byUri = new Map<string, Map<string, Diagnostic[]>>();

  constructor(private readonly connection: Connection) {}

  set(uri: string, part: 'plans' | 'guard' | 'traceCodes', diagnostics: Diagnostic[]): void {
    let parts = this.byUri.get(uri);
    if (!parts) this.byUri.set(uri, (parts = new Map()));
    if (diagnostics.length) parts.set(part, diagnostics);
    else parts.delete(part);
    const all = [...parts.values()].flat();
    if (parts.size === 0) this.byUri.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: all });
  }
}
