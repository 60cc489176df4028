import { Breakers } from './faults';
import { AgentRun, finalStates, type RunEvent, type RunHost, type RunOptions, type RunResult } from './run';

export interface Quarantine {
  agentId: string;
  reason: string;
  at: string;
  runId?: string;
}

export interface EngineOptions {
  /** How many runs may talk to models at once; the rest wait, queued. */
  concurrency?: number;
  breakers?: Breakers;
  /** Every event of every run, for the store and the views. */
  onEvent?: (event: RunEvent) => void;
  onQuarantine?: (quarantine: Quarantine) => void;
  /**
   * Finished runs kept for "Undo this run" (100 by default). Each holds its checkpoints, the
   * files' earlier contents, in memory; older runs are forgotten here but stay in the store.
   */
  keepFinished?: number;
}

/**
 * Runs agents: a concurrency limit, the shared circuit breakers, the emergency stop for every
 * run, and quarantine — an agent whose edit dropped code may not run again until released.
 */
export class AgentEngine {
  readonly breakers: Breakers;
  private readonly runs = new Map<string, AgentRun>();
  private readonly quarantined = new Map<string, Quarantine>();
  private readonly waiting: (() => void)[] = [];
  private active = 0;

  constructor(private readonly options: EngineOptions = {}) {
    this.breakers = options.breakers ?? new Breakers();
  }

  /**
   * Starts a run for an agent (queued when the engine is at its limit). Refused at once when the
   * agent is quarantined. The breaker is the provider's (id and endpoint), shared with every other run.
   */
  start(agentId: string, options: Omit<RunOptions, 'breaker'>, host: RunHost): { run: AgentRun; result: Promise<RunResult> } {
    const quarantine = this.quarantined.get(agentId);
    if (quarantine) throw new Error(`the agent ${agentId} is quarantined (${quarantine.reason}); release it first`);
    const emit = (event: RunEvent) => {
      host.emit(event);
      this.options.onEvent?.(event);
    };
    const run = new AgentRun({ ...options, breaker: this.breakers.for(`${options.provider.id} ${options.provider.endpoint ?? ''}`) }, { ...host, emit });
    this.runs.set(run.id, run);
    const result = this.slot(run).then(async (release) => {
      try {
        const outcome = await run.execute();
        if (outcome.state === 'quarantined') this.quarantine({ agentId, reason: outcome.error ?? 'dropped code', at: new Date().toISOString(), runId: run.id });
        return outcome;
      } finally {
        release();
        this.forgetOldRuns();
      }
    });
    return { run, result };
  }

  get(runId: string): AgentRun | undefined {
    return this.runs.get(runId);
  }

  list(): AgentRun[] {
    return [...this.runs.values()];
  }

  /** "Stop All Agents": every queued and running run ends (hub agents are told by the hub). */
  stopAll(reason = 'Stop All Agents'): number {
    let stopped = 0;
    for (const run of this.runs.values()) {
      if (run.state === 'done' || run.state === 'failed' || run.state === 'stopped' || run.state === 'quarantined') continue;
      run.stop(reason);
      stopped++;
    }
    return stopped;
  }

  quarantine(quarantine: Quarantine): void {
    this.quarantined.set(quarantine.agentId, quarantine);
    this.options.onQuarantine?.(quarantine);
  }

  quarantines(): Quarantine[] {
    return [...this.quarantined.values()];
  }

  /** "Release quarantined agent": true when it was quarantined. */
  release(agentId: string): boolean {
    return this.quarantined.delete(agentId);
  }

  private forgetOldRuns(): void {
    // A Map keeps insertion order: the first finished runs are the oldest.
    const finished = [...this.runs.values()].filter((r) => finalStates.includes(r.state));
    for (const run of finished.slice(0, Math.max(0, finished.length - (this.options.keepFinished ?? 100)))) this.runs.delete(run.id);
  }

  /** Resolves with a release function once the run may go; a run stopped while queued goes at once (to end as stopped). */
  private slot(run: AgentRun): Promise<() => void> {
    const limit = Math.max(1, this.options.concurrency ?? 4);
    const release = () => {
      this.active--;
      this.waiting.shift()?.();
    };
    if (this.active < limit) {
      this.active++;
      return Promise.resolve(release);
    }
    return new Promise((resolve) => {
      const turn = () => {
        run.signal.removeEventListener('abort', leave);
        this.active++;
        resolve(release);
      };
      const leave = () => {
        this.waiting.splice(this.waiting.indexOf(turn), 1);
        resolve(() => undefined);
      };
      this.waiting.push(turn);
      run.signal.addEventListener('abort', leave, { once: true });
    });
  }
}
