import * as vscode from 'vscode';
import type { RunEvent } from '../engine/agent/run';
import type { Logger } from '../engine/log';
import { missionControlProtocol, missionControlTitle, type RunRow, type ToMissionControl } from '../engine/protocol/missionControl';
import { dailyStats, type Json, type Run } from '../engine/store';
import type { AgentHost } from './agentHost';
import { connectWebview, loadWebview } from './webviewHost';

/** How many runs the list shows, and how often a busy engine refreshes it. */
const LISTED_RUNS = 500;
const REFRESH_MS = 250;

/**
 * "Plumbline: Open Mission Control" (SPEC §5): a webview panel over the store and the live
 * engine: every run, one run's timeline and events, quarantined agents, and charts over time.
 */
export class MissionControl implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly agents: AgentHost,
    private readonly log: Logger,
  ) {}

  show(): void {
    if (this.panel) return this.panel.reveal();
    const panel = vscode.window.createWebviewPanel('plumbline.missionControl', 'Mission Control', vscode.ViewColumn.Active, {
      enableScripts: true,
      enableCommandUris: false,
    });
    this.panel = panel;
    loadWebview(panel.webview, this.extensionUri, 'runs', missionControlTitle);
    const agents = this.agents;
    let selected: { runId: string; seq: number } | undefined;
    let timer: NodeJS.Timeout | undefined;
    const post = (message: ToMissionControl) => void connection.post(message);
    const postRuns = () => {
      timer = undefined;
      if (agents.store) post({ method: 'runs', params: { runs: agents.store.listRuns(LISTED_RUNS).map(runRow) } });
    };
    // The history only changes when a run ends: it is not read again for every streamed event.
    const postStats = () => {
      const store = agents.store;
      if (!store) return;
      const flagged = new Set(store.violationsOf().map((v) => v.runId).filter((id): id is string => id !== null));
      post({ method: 'stats', params: { days: dailyStats(store.listRuns(10_000), flagged) } });
    };
    const postQuarantines = () => post({ method: 'quarantines', params: { items: this.quarantines() } });
    const connection = connectWebview(
      'mission control',
      panel.webview,
      missionControlProtocol,
      {
        ready: async () => {
          await agents.ready;
          postRuns();
          postQuarantines();
          postStats();
        },
        selectRun: ({ runId }) => {
          const run = agents.store?.getRun(runId);
          if (!run) return void this.log.warn(`mission control: no run ${runId}`);
          const events = agents.store?.eventsOf(runId) ?? [];
          selected = { runId, seq: events.at(-1)?.seq ?? 0 };
          post({ method: 'runDetail', params: { run: runRow(run), events: events.map((e) => ({ seq: e.seq, type: e.type, at: e.at, data: e.data })) } });
        },
        stopRun: ({ runId }) => agents.stopRun(runId, 'stopped from Mission Control'),
        stopAll: () => void agents.stopAll(),
        release: async ({ agentId }) => void (await agents.release(agentId)),
        openConversation: ({ runId }) => {
          const conversationId = agents.store?.getRun(runId)?.conversationId;
          if (!conversationId) return void vscode.window.showInformationMessage('Plumbline: this run has no conversation (it ran from the CLI or its conversation was deleted).');
          agents.chat.select(conversationId);
          void vscode.commands.executeCommand('plumbline.chat.focus');
        },
        reportProblem: ({ message }) => this.log.warn(`mission control: ${message}`),
      },
      this.log,
    );
    const subscriptions = [
      agents.onRunEvent((event) => {
        timer ??= setTimeout(postRuns, REFRESH_MS);
        if (event.type === 'result') postStats();
        if (selected?.runId === event.runId) post({ method: 'runEvent', params: { runId: event.runId, event: eventRow(++selected.seq, event) } });
      }),
      agents.onDidChangeQuarantines(postQuarantines),
    ];
    panel.onDidDispose(() => {
      clearTimeout(timer);
      for (const s of subscriptions) s.dispose();
      connection.subscription.dispose();
      this.panel = undefined;
    });
  }

  dispose(): void {
    this.panel?.dispose();
  }

  private quarantines() {
    return this.agents.engine.quarantines().map((q) => ({
      agentId: q.agentId,
      agent: this.agents.store?.getAgent(q.agentId)?.name ?? q.agentId.replace(/^own:/, ''),
      reason: q.reason,
      at: Date.parse(q.at) || Date.now(),
      runId: q.runId ?? null,
    }));
  }
}

function runRow(run: Run): RunRow {
  return {
    id: run.id,
    agent: `${run.model} (${run.provider})`,
    // Runs of hub agents are recorded with the provider "hub" (SPEC §6).
    agentKind: run.provider === 'hub' ? 'hub' : 'own',
    state: run.state,
    prompt: run.prompt,
    task: run.taskFile && run.taskId ? { file: run.taskFile, id: run.taskId } : null,
    model: run.model,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    steps: run.steps,
    tokens: run.inputTokens + run.outputTokens,
    cost: run.cost,
    error: run.error,
  };
}

/** A live event in the shape the store gives back, so the view treats both alike. */
function eventRow(seq: number, event: RunEvent) {
  const { type, runId: _runId, at, ...data } = event;
  return { seq, type, at: Date.parse(at), data: JSON.parse(JSON.stringify(data)) as Json };
}
