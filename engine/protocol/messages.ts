import { z } from 'zod';

/**
 * The one way messages cross a boundary in Plumbline (webview ↔ extension host today; the hub
 * reuses the same shape later): `{ method, params }`, where every method is declared once as a
 * value with a zod schema for its params. Both ends validate what they receive with the same
 * declaration, so a message of the wrong shape is rejected with a readable reason instead of
 * being half-handled.
 */
export interface MessageType<M extends string = string, P extends z.ZodType = z.ZodType> {
  readonly method: M;
  readonly params: P;
}

/** Declares a message type. `params` defaults to an empty object for messages that carry nothing. */
export function messageType<M extends string, P extends z.ZodType>(method: M, params: P): MessageType<M, P> {
  return { method, params };
}

/** The wire form of one declared message type. */
export type MessageOf<T extends MessageType> = T extends MessageType<infer M, infer P>
  ? { method: M; params: z.infer<P> }
  : never;

/** A set of message types that one side may send: its union type and its validator. */
export interface MessageSet<T extends readonly MessageType[]> {
  readonly types: T;
  /** Validates an unknown value as one of the set's messages. Never throws. */
  parse(raw: unknown): ParseResult<MessageOf<T[number]>>;
  /** Calls the handler for an already validated message. */
  dispatch(handlers: MessageHandlers<T>, message: MessageOf<T[number]>): void | Promise<void>;
}

export type ParseResult<V> = { ok: true; message: V } | { ok: false; error: string };

export function messageSet<const T extends readonly MessageType[]>(...types: T): MessageSet<T> {
  const byMethod = new Map<string, MessageType>(types.map((t) => [t.method, t]));
  const envelope = z.object({ method: z.string(), params: z.unknown() }).strict();
  return {
    types,
    parse(raw) {
      const outer = envelope.safeParse(raw);
      if (!outer.success) {
        return { ok: false, error: `not a {method, params} message: ${z.prettifyError(outer.error)}` };
      }
      const type = byMethod.get(outer.data.method);
      if (!type) {
        return {
          ok: false,
          error: `unknown method "${outer.data.method}" (expected one of ${[...byMethod.keys()].join(', ')})`,
        };
      }
      const params = type.params.safeParse(outer.data.params);
      if (!params.success) {
        return { ok: false, error: `bad params for "${type.method}": ${z.prettifyError(params.error)}` };
      }
      return { ok: true, message: { method: type.method, params: params.data } as MessageOf<T[number]> };
    },
    dispatch(handlers, message) {
      const handler = (handlers as Record<string, (params: unknown) => void | Promise<void>>)[message.method];
      return handler(message.params);
    },
  };
}

/** Handlers for every message of a set, keyed by method: the compiler insists on all of them. */
export type MessageHandlers<T extends readonly MessageType[]> = {
  [M in T[number]['method']]: (params: z.infer<Extract<T[number], { method: M }>['params']>) => void | Promise<void>;
};

/** The two message sets of one webview: what it may send and what the host may send it. */
export interface ViewProtocol<In extends readonly MessageType[], Out extends readonly MessageType[]> {
  readonly fromWebview: MessageSet<In>;
  readonly toWebview: MessageSet<Out>;
}
