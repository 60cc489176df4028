import type { ModelEvent, ModelRequest } from '../model';
import { ProviderError } from '../model';
import { abortedError, classify, timeoutError, type SdkErrors } from './errors';

/** Default for ProviderConfig.timeoutMs. */
export const DEFAULT_TIMEOUT_MS = 60_000;

/** One protocol's part of a streamed request; `drive` owns the timing, aborts and errors. */
export interface StreamDriver<Chunk> {
  /** Sends the request; resolves when the response headers have arrived. */
  open(signal: AbortSignal): Promise<AsyncIterable<Chunk>>;
  /** The events one chunk completes (text at once; tool calls wait for `finish`). */
  read(chunk: Chunk): Iterable<ModelEvent>;
  /** The closing events, or undefined when the stream ended before the protocol's end marker. */
  finish(): ModelEvent[] | undefined;
}

/**
 * Runs a driver with an idle timeout: the SDKs' own timeout stops at the response headers, so a
 * server that stalls mid-stream would hang the run. The timer runs only while we wait for the
 * server, never while the consumer holds an event, so a slow consumer is not a slow server.
 */
export async function* drive<Chunk>(
  request: ModelRequest,
  timeoutMs: number,
  sdk: SdkErrors,
  driver: StreamDriver<Chunk>,
): AsyncGenerator<ModelEvent, void, undefined> {
  const watchdog = new Watchdog(request.signal, timeoutMs);
  let started = false;
  try {
    watchdog.arm();
    const stream = await driver.open(watchdog.signal);
    started = true;
    for await (const chunk of stream) {
      watchdog.disarm();
      if (request.signal.aborted) break;
      yield* driver.read(chunk);
      watchdog.arm();
    }
    watchdog.disarm();
    // The SDKs end an aborted stream quietly instead of throwing, so the cause is checked here.
    if (request.signal.aborted) throw abortedError();
    if (watchdog.timedOut) throw timeoutError(timeoutMs);
    const closing = driver.finish();
    if (!closing) throw new ProviderError('the model\'s stream ended before the answer was complete', 'stream-cut');
    yield* closing;
  } catch (error) {
    throw classify(error, { aborted: request.signal.aborted, timedOut: watchdog.timedOut, started, timeoutMs }, sdk);
  } finally {
    watchdog.dispose();
  }
}

/** Aborts its signal when the request's signal fires or when armed for longer than `ms`. */
class Watchdog {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private readonly forward = (): void => this.controller.abort();
  timedOut = false;

  constructor(
    private readonly outer: AbortSignal,
    private readonly ms: number,
  ) {
    if (outer.aborted) this.controller.abort();
    else outer.addEventListener('abort', this.forward, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  arm(): void {
    this.disarm();
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort();
    }, this.ms);
  }

  disarm(): void {
    clearTimeout(this.timer);
  }

  /** Also closes the connection when the consumer stopped reading early. */
  dispose(): void {
    this.disarm();
    this.outer.removeEventListener('abort', this.forward);
    this.controller.abort();
  }
}
