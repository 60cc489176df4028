import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { Logger } from '../engine/log';
import { PlansChangedNotification } from '../engine/protocol/lsp';
import type { PlanSummary } from '../engine/protocol/plans';

/**
 * The workspace's plans as the language server last reported them. The Plans tree and the
 * Plans board both read from here, so they always agree.
 */
export class PlanStore implements vscode.Disposable {
  private readonly plans = new Map<string, PlanSummary>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private ready = false;
  private complete = false;

  constructor(client: LanguageClient, private readonly log: Logger) {
    client.onNotification(PlansChangedNotification.method, (raw: unknown) => this.receive(raw));
  }

  /** True once the server has reported plans (the open ones come first, while it reads the rest). */
  get isReady(): boolean {
    return this.ready;
  }

  /** True once the server has read every plan of the workspace. */
  get isComplete(): boolean {
    return this.complete;
  }

  all(): PlanSummary[] {
    return [...this.plans.values()].sort((a, b) => a.file.localeCompare(b.file));
  }

  get(uri: string): PlanSummary | undefined {
    return this.plans.get(uri);
  }

  private receive(raw: unknown): void {
    const parsed = PlansChangedNotification.params.safeParse(raw);
    if (!parsed.success) {
      this.log.warn(`${PlansChangedNotification.method}: ignored a notification of the wrong shape: ${parsed.error.message}`);
      return;
    }
    const { full, complete, changed, removed } = parsed.data;
    if (full) this.plans.clear();
    for (const plan of changed) this.plans.set(plan.uri, plan);
    for (const uri of removed) this.plans.delete(uri);
    this.ready = true;
    this.complete = complete;
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
