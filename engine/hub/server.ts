import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage as HttpRequest, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { z } from 'zod';
import type { Logger } from '../log';
import { ErrorCode, hubRequests, IncomingMessage, maxPayloadBytes, tokenHeader, type HubNotification, type HubRequest, type OutgoingMessage } from '../protocol/hub';

/** An error with a JSON-RPC code, for the agent. */
export class HubError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** One connection, as the hub's logic sees it. */
export interface Session {
  readonly id: number;
  /** Set by `hello`. */
  agent: { id: string; name: string } | undefined;
  notify(message: HubNotification): void;
}

/** What answers the requests: engine/hub/hub.ts. `hello` must set `session.agent`. */
export type HubHandlers = { [R in HubRequest as R['method']]: (session: Session, params: z.infer<R['params']>) => Promise<z.infer<R['result']>> } & {
  disconnected(session: Session): void;
};

export interface HubServerOptions {
  log: Logger;
  /** Messages per second a connection may send on average, and in one burst. */
  rate?: { perSecond: number; burst: number };
  maxConnections?: number;
  /** How often dead connections are looked for (a ping; no pong by the next round: closed). */
  pingIntervalMs?: number;
  /** Bytes of answers a connection may leave unsent before the hub gives up on it (see defaultMaxUnsentBytes). */
  maxUnsentBytes?: number;
}

/**
 * Without a bound, a peer that sends requests but never reads makes the hub keep every answer in
 * memory. 4 MiB is ten times a `tasks/list` of 2,000 tasks (about 400 KB), and a client that reads
 * never leaves that much behind: the kernel's socket buffers take the bursts before the hub holds
 * anything. At 256 connections, the hub holds about 1 GiB at worst.
 */
const defaultMaxUnsentBytes = 4 * 1024 * 1024;

const defaults = { rate: { perSecond: 200, burst: 400 }, maxConnections: 256, pingIntervalMs: 30_000, maxUnsentBytes: defaultMaxUnsentBytes };

/** A refused handshake: the HTTP status and why, for the log. */
interface Refusal {
  status: 401 | 403 | 503;
  reason: string;
}

class Connection implements Session {
  agent: Session['agent'];
  alive = true;
  private tokens: number;
  private filled = Date.now();

  constructor(
    readonly id: number,
    readonly ws: WebSocket,
    private readonly rate: { perSecond: number; burst: number },
    private readonly maxUnsentBytes: number,
    /** Called once, when the peer leaves more than maxUnsentBytes unread. */
    private readonly overflowed: (c: Connection, unsent: number) => void,
  ) {
    this.tokens = rate.burst;
  }

  /** Open: requests are handled and answered. Every close (ours or the peer's) ends this at once. */
  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  /** A token bucket: false when the connection sends faster than it may. */
  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.rate.burst, this.tokens + ((now - this.filled) / 1000) * this.rate.perSecond);
    this.filled = now;
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }

  /**
   * Answers go out only while the peer takes the earlier ones. Once more than the bound waits
   * unsent, the connection is terminated rather than closed: a peer that does not read would not
   * read a close frame either. So the hub never holds more than the bound and one message; one
   * answer larger than the bound still goes to a peer that reads.
   */
  send(message: OutgoingMessage): void {
    if (!this.open) return;
    const unsent = this.ws.bufferedAmount;
    if (unsent > this.maxUnsentBytes) {
      this.ws.terminate();
      this.overflowed(this, unsent);
      return;
    }
    this.ws.send(JSON.stringify(message));
  }

  notify(message: HubNotification): void {
    this.send({ jsonrpc: '2.0', method: message.method, params: message.params });
  }

  get label(): string {
    return this.agent ? `${this.agent.name} (#${this.id})` : `connection #${this.id}`;
  }
}

/**
 * The hub's transport (SPEC §6): a WebSocket server on 127.0.0.1 and a random port. A handshake
 * is refused (401/403/503, socket destroyed, logged) unless the token matches, the Host is
 * 127.0.0.1:<port> or localhost:<port> (no DNS rebinding) and there is no Origin (no browser
 * page). Frames above 1 MiB, floods over the rate limit and dead peers close only their own
 * connection. Messages are JSON-RPC 2.0, checked with the zod schemas of engine/protocol/hub.ts.
 */
export class HubServer {
  /** 128 bits from the system's secure random source. */
  readonly token = randomBytes(16).toString('hex');
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: maxPayloadBytes });
  private readonly connections = new Set<Connection>();
  private readonly options: Required<HubServerOptions>;
  private nextId = 1;
  private pinger: NodeJS.Timeout | undefined;
  port = 0;

  constructor(
    private readonly handlers: HubHandlers,
    options: HubServerOptions,
  ) {
    this.options = { ...defaults, ...options };
    this.http = createServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain', connection: 'close' }).end('Plumbline hub: WebSocket only\n');
    });
    this.http.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.http.address() as { port: number }).port;
    this.pinger = setInterval(() => this.ping(), this.options.pingIntervalMs);
    this.pinger.unref();
    return this.port;
  }

  /** Connected agents (after hello). */
  sessions(): Session[] {
    return [...this.connections].filter((c) => c.agent);
  }

  async close(): Promise<void> {
    clearInterval(this.pinger);
    const closing = [...this.connections].map((c) => new Promise<void>((resolve) => c.ws.once('close', () => resolve())));
    for (const c of this.connections) c.ws.close(1001, 'the hub is closing');
    // A peer that does not read never answers the close frame: a second, then it is cut off.
    await Promise.race([Promise.all(closing), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    for (const c of this.connections) c.ws.terminate();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private refusal(req: HttpRequest): Refusal | undefined {
    const host = req.headers.host?.toLowerCase();
    if (host !== `127.0.0.1:${this.port}` && host !== `localhost:${this.port}`) return { status: 403, reason: `Host header "${req.headers.host ?? ''}" is not this hub (DNS rebinding?)` };
    if (req.headers.origin !== undefined || req.headers['sec-websocket-origin'] !== undefined) return { status: 403, reason: `a browser Origin "${String(req.headers.origin ?? req.headers['sec-websocket-origin'])}"` };
    const given = req.headers[tokenHeader];
    if (given === undefined) return { status: 401, reason: 'no token' };
    if (typeof given !== 'string' || given.length !== this.token.length) return { status: 401, reason: 'a token of the wrong length' };
    if (!timingSafeEqual(Buffer.from(given), Buffer.from(this.token))) return { status: 401, reason: 'a wrong token' };
    if (this.connections.size >= this.options.maxConnections) return { status: 503, reason: `already ${this.connections.size} connections` };
    return undefined;
  }

  private upgrade(req: HttpRequest, socket: Duplex, head: Buffer): void {
    const refusal = this.refusal(req);
    if (refusal) {
      this.options.log.warn(`Hub: refused a connection from ${req.socket.remoteAddress ?? '?'}: ${refusal.reason}`);
      const text = { 401: 'Unauthorized', 403: 'Forbidden', 503: 'Service Unavailable' }[refusal.status];
      socket.once('finish', () => socket.destroy());
      socket.end(`HTTP/1.1 ${refusal.status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  private accept(ws: WebSocket): void {
    const connection = new Connection(this.nextId++, ws, this.options.rate, this.options.maxUnsentBytes, (c, unsent) => this.overflowed(c, unsent));
    this.connections.add(connection);
    ws.on('pong', () => (connection.alive = true));
    ws.on('message', (data, isBinary) => this.receive(connection, data, isBinary));
    ws.on('error', (err) => this.options.log.warn(`Hub: closed ${connection.label}: ${err.message}`));
    ws.on('close', () => {
      this.connections.delete(connection);
      this.handlers.disconnected(connection);
    });
  }

  private overflowed(c: Connection, unsent: number): void {
    this.options.log.warn(`Hub: ${c.label} did not read its answers: ${unsent} bytes unsent, over the bound of ${byteSize(this.options.maxUnsentBytes)}; closed`);
  }

  private ping(): void {
    for (const c of this.connections) {
      if (!c.alive) {
        this.options.log.warn(`Hub: ${c.label} stopped answering pings; closed`);
        c.ws.terminate();
        continue;
      }
      c.alive = false;
      c.ws.ping();
    }
  }

  private receive(c: Connection, data: RawData, isBinary: boolean): void {
    // Frames already read when a flood or a peer that does not read closed the connection:
    // dropped, and that close logged once.
    if (!c.open) return;
    c.alive = true;
    if (!c.take()) {
      this.options.log.warn(`Hub: ${c.label} sent more than ${this.options.rate.perSecond} messages a second; closed`);
      c.ws.close(1008, 'rate limit exceeded');
      return;
    }
    if (isBinary) return c.send({ jsonrpc: '2.0', id: null, error: { code: ErrorCode.invalidRequest, message: 'binary frames are not JSON-RPC; send text' } });
    let json: unknown;
    try {
      json = JSON.parse(data.toString());
    } catch {
      return c.send({ jsonrpc: '2.0', id: null, error: { code: ErrorCode.parseError, message: 'the message is not JSON' } });
    }
    const message = IncomingMessage.safeParse(json);
    if (!message.success) {
      const id = typeof json === 'object' && json !== null && 'id' in json && (typeof json.id === 'string' || typeof json.id === 'number') ? json.id : null;
      return c.send({ jsonrpc: '2.0', id, error: { code: ErrorCode.invalidRequest, message: `not a JSON-RPC 2.0 request: ${z.prettifyError(message.error)}` } });
    }
    void this.dispatch(c, message.data);
  }

  private async dispatch(c: Connection, message: IncomingMessage): Promise<void> {
    const { id, method } = message;
    const reply = (answer: { result: unknown } | { error: { code: number; message: string } }) => {
      if (id !== undefined) c.send({ jsonrpc: '2.0', id, ...answer });
    };
    const request = hubRequests.find((r) => r.method === method);
    if (!request) return reply({ error: { code: ErrorCode.methodNotFound, message: `no method "${method}"; the methods are ${hubRequests.map((r) => r.method).join(', ')}` } });
    if (!c.agent && method !== 'hello') return reply({ error: { code: ErrorCode.helloFirst, message: 'say hello first (method "hello" with your name)' } });
    const params = request.params.safeParse(message.params ?? {});
    if (!params.success) return reply({ error: { code: ErrorCode.invalidParams, message: `invalid params for ${method}: ${z.prettifyError(params.error)}` } });
    try {
      const handler = this.handlers[method as HubRequest['method']] as (s: Session, p: unknown) => Promise<unknown>;
      reply({ result: request.result.parse(await handler.call(this.handlers, c, params.data)) });
    } catch (err) {
      if (err instanceof HubError) return reply({ error: { code: err.code, message: err.message } });
      this.options.log.error(`Hub: ${method} from ${c.label} failed: ${err instanceof Error ? err.message : String(err)}`);
      reply({ error: { code: ErrorCode.internalError, message: `${method} failed: ${err instanceof Error ? err.message : String(err)}` } });
    }
  }
}

/** "4 MiB", "64 KiB": the bound as a person set it. */
function byteSize(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
