import WebSocket from 'ws';
import { version } from '../version';
import { Ask, Hello, hubNotifications, OutgoingMessage, portVariable, tokenHeader, type HubNotification, type HubRequest, type ParamsOf, type ResultOf } from '../protocol/hub';
import { findLock } from './lockFile';

/** An error answer from the hub, with its JSON-RPC code (ErrorCode in engine/protocol/hub.ts). */
export class HubRequestError extends Error {
  override name = 'HubRequestError';
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ConnectOptions {
  /** The agent's name: it identifies the agent across connections. */
  name: string;
  version?: string;
  /** Where to look for the hub: `port` (default PLUMBLINE_HUB_PORT), else the hub of the folder holding `cwd`. */
  port?: number;
  cwd?: string;
  lockDir?: string;
  /** Skips the lock file (tests and benchmarks that started the hub themselves). */
  token?: string;
  /** How long a request may wait for its answer (questions wait up to 30 minutes regardless). */
  timeoutMs?: number;
}

const ASK_WAIT_MS = 31 * 60_000;

/**
 * The hub's client library: connects with the token from the lock file, says hello, and sends
 * typed requests. Notifications from the hub (stop, quarantined, released) go to `onNotification`.
 */
export class HubClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(err: Error): void; timer: NodeJS.Timeout }>();
  private readonly listeners = new Set<(n: HubNotification) => void>();
  hello!: ResultOf<typeof Hello>;

  private constructor(
    private readonly ws: WebSocket,
    private readonly timeoutMs: number,
  ) {
    ws.on('message', (data) => this.receive(data.toString()));
    ws.on('close', (code, reason) => {
      const error = new Error(`the hub closed the connection (${code}${reason.length ? `: ${reason.toString()}` : ''})`);
      for (const [, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(error);
      }
      this.pending.clear();
    });
  }

  static async connect(options: ConnectOptions): Promise<HubClient> {
    const envPort = process.env[portVariable] ? Number(process.env[portVariable]) : undefined;
    let port = options.port ?? envPort;
    let token = options.token;
    if (token === undefined || port === undefined) {
      const lock = await findLock({ dir: options.lockDir, port, cwd: options.cwd ?? process.cwd() });
      port = lock.port;
      token = lock.token;
    }
    const ws = new WebSocket(`ws://127.0.0.1:${port}`, { headers: { [tokenHeader]: token }, handshakeTimeout: 10_000 });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`the hub on port ${port} refused the connection (HTTP ${res.statusCode})`)));
      ws.once('error', (err) => reject(new Error(`cannot reach the hub on port ${port}: ${err.message}`)));
    });
    // A failed connection attempt may still emit errors; they are answered through the requests.
    ws.on('error', () => undefined);
    const client = new HubClient(ws, options.timeoutMs ?? 60_000);
    client.hello = await client.request(Hello, { name: options.name, version: options.version ?? version, pid: process.pid });
    return client;
  }

  request<R extends HubRequest>(request: R, params: ParamsOf<R>): Promise<ResultOf<R>> {
    const id = this.nextId++;
    const wait = request === Ask ? ASK_WAIT_MS : this.timeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${request.method}: no answer from the hub within ${wait / 1000} s`));
      }, wait);
      this.pending.set(id, {
        resolve: (value) => {
          const parsed = request.result.safeParse(value);
          if (parsed.success) resolve(parsed.data as ResultOf<R>);
          else reject(new Error(`${request.method}: the hub's answer has the wrong shape`));
        },
        reject,
        timer,
      });
      this.ws.send(JSON.stringify({ jsonrpc: '2.0', id, method: request.method, params }), (err) => {
        if (!err) return;
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new Error(`${request.method}: could not send: ${err.message}`));
      });
    });
  }

  onNotification(listener: (notification: HubNotification) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when the connection is closed. */
  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close(1000, 'done');
    });
  }

  private receive(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return;
    }
    const message = OutgoingMessage.safeParse(json);
    if (!message.success) return;
    const m = message.data;
    if ('method' in m) {
      const kind = hubNotifications.find((n) => n.method === m.method);
      const params = kind?.params.safeParse(m.params);
      if (kind && params?.success) for (const listener of this.listeners) listener({ method: kind.method, params: params.data } as HubNotification);
      return;
    }
    const waiting = typeof m.id === 'number' ? this.pending.get(m.id) : undefined;
    if (!waiting || typeof m.id !== 'number') return;
    this.pending.delete(m.id);
    clearTimeout(waiting.timer);
    if ('error' in m) waiting.reject(new HubRequestError(m.error.code, m.error.message));
    else waiting.resolve(m.result);
  }
}
