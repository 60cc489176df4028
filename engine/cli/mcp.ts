import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline, Transform, type TransformCallback, type Writable } from 'node:stream';
import { format } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ErrorCode, type JSONRPCMessage, type RequestId } from '@modelcontextprotocol/sdk/types.js';
import { checkEditMaxTextChars, createMcpServer, maxMessageBytes } from '../mcp/server';
import { CliError, UsageError, type CommandContext } from './command';

/** `plumbline mcp [--workspace DIR]`: the plan tools and the edit check as an MCP server over stdio. */
export async function mcp(ctx: CommandContext): Promise<number> {
  if (ctx.positionals.length) throw new UsageError(`unexpected argument "${ctx.positionals[0]}"`);
  const root = path.resolve(ctx.cwd, (ctx.values.workspace as string | undefined) ?? '.');
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) throw new CliError(`--workspace ${root} is not a directory`);

  // stdout is the protocol channel: anything a library logs goes to stderr instead.
  const toStderr = (...args: unknown[]) => void ctx.stderr.write(`${format(...args)}\n`);
  console.log = console.info = console.debug = toStderr;

  const server = createMcpServer(root);
  const lines = new LineLimiter(maxMessageBytes, (size, head) => {
    const id = requestIdIn(head);
    ctx.stderr.write(`plumbline mcp: discarded a message of ${size} bytes or more (id ${JSON.stringify(id)}): over the limit of ${mib(maxMessageBytes)}\n`);
    void transport.send(oversizeAnswer(id, size));
  });
  pipeline(process.stdin, lines, (err) => {
    if (err) ctx.stderr.write(`plumbline mcp: stdin: ${err.message}\n`);
  });
  // The limiter hands the transport one whole line per chunk, so its buffer never holds more
  // than one message (its own default, 10 MB, would close the server on a legal message).
  const transport = new StdioServerTransport(lines, ctx.stdout as Writable, { maxBufferSize: maxMessageBytes + 1 });
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = resolve;
  });
  server.server.onerror = (err) => ctx.stderr.write(`plumbline mcp: ${err.message.split('\n')[0]}\n`);
  await server.connect(transport);
  // The transport does not notice the client going away; the end of stdin is that signal. A
  // client that pipes its requests and closes stdin still gets every answer: close once none is
  // outstanding.
  const unanswered = new Set<string | number>();
  let ended = false;
  const closeWhenAnswered = () => {
    if (ended && unanswered.size === 0) void server.close();
  };
  const receive = transport.onmessage;
  transport.onmessage = (message) => {
    if ('method' in message && 'id' in message) unanswered.add(message.id);
    receive?.(message);
  };
  const send = transport.send.bind(transport);
  transport.send = async (message) => {
    await send(message);
    if (!('method' in message) && 'id' in message && message.id !== undefined) {
      unanswered.delete(message.id);
      closeWhenAnswered();
    }
  };
  const end = () => {
    ended = true;
    closeWhenAnswered();
  };
  // The limiter's end, not stdin's: it comes after the last line has reached the transport.
  lines.once('end', end).once('close', end);
  ctx.stderr.write(`plumbline mcp: serving ${root} over stdio\n`);
  await closed;
  return 0;
}

/** How much of an oversize line is kept to find its request id: ids come first in practice. */
const headBytes = 4096;

/**
 * Splits stdin into lines (newline-delimited JSON-RPC) and passes on each line within `limit`
 * bytes as one chunk. A longer line is discarded as it arrives, so memory stays bounded whatever
 * a client sends; `onOversize` learns its size so far and its first bytes, once per line. Whole
 * lines also spare the SDK's reader, which copies its buffer on every chunk. A last line without
 * its newline is dropped at the end, as the SDK's reader would never have parsed it either.
 */
export class LineLimiter extends Transform {
  private parts: Buffer[] = [];
  private size = 0;
  private discarding = false;

  constructor(
    private readonly limit: number,
    private readonly onOversize: (size: number, head: Buffer) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let start = 0;
    for (let newline = chunk.indexOf(0x0a); newline !== -1; newline = chunk.indexOf(0x0a, start)) {
      this.receive(chunk.subarray(start, newline));
      this.endLine();
      start = newline + 1;
    }
    if (start < chunk.length) this.receive(chunk.subarray(start));
    done();
  }

  private receive(bytes: Buffer): void {
    this.size += bytes.length;
    if (this.discarding) return;
    this.parts.push(bytes);
    if (this.size <= this.limit) return;
    this.discarding = true;
    this.onOversize(this.size, this.head());
    this.parts = [];
  }

  /** The line's first bytes, without copying the megabytes received so far. */
  private head(): Buffer {
    const first: Buffer[] = [];
    let length = 0;
    for (const part of this.parts) {
      if (length >= headBytes) break;
      first.push(part);
      length += part.length;
    }
    return Buffer.concat(first).subarray(0, headBytes);
  }

  private endLine(): void {
    if (!this.discarding) this.push(Buffer.concat([...this.parts, newline]));
    this.parts = [];
    this.size = 0;
    this.discarding = false;
  }
}

const newline = Buffer.from('\n');

/**
 * The request id at the top level of the start of a JSON-RPC message, so the client's pending
 * request gets its answer; null when the start does not show one (it may come after the params,
 * or the line is no JSON). Only top-level keys count: `"id"` also occurs inside arguments.
 */
export function requestIdIn(head: Buffer): RequestId | null {
  const text = head.toString('utf8');
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (c === '"') {
      const end = stringEnd(text, i);
      if (end === -1) return null;
      if (depth === 1 && text.slice(i, end) === '"id"') {
        // A value cut off by the end of the head is not the id (12 of 123): it must be followed by more.
        const value = /^\s*:\s*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|"(?:[^"\\]|\\.)*")\s*[,}]/.exec(text.slice(end, end + 300));
        return value ? jsonValue(value[1]) : null;
      }
      i = end - 1;
    }
  }
  return null;
}

/** A string like `"a\x"` passes the pattern but is no JSON; such an id is as good as none. */
function jsonValue(text: string): RequestId | null {
  try {
    return JSON.parse(text) as RequestId;
  } catch {
    return null;
  }
}

/** The index just past the string literal that starts at `start`, or -1 when it does not end in `text`. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  return -1;
}

const mib = (bytes: number) => `${bytes / (1024 * 1024)} MiB`;

/** JSON-RPC's "Invalid Request": the message was never read, so neither method nor params are known. */
function oversizeAnswer(id: RequestId | null, size: number): JSONRPCMessage {
  const message =
    `the message is ${size} bytes (or more), over the limit of ${mib(maxMessageBytes)}; it was discarded unread. ` +
    `Send smaller messages: check_edit takes at most ${checkEditMaxTextChars.toLocaleString('en-US')} characters in after and in before.`;
  // JSON-RPC answers with id null when the id is unknown; the SDK's type only lets it be left out.
  return { jsonrpc: '2.0', id, error: { code: ErrorCode.InvalidRequest, message } } as JSONRPCMessage;
}
