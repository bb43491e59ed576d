/**
 * {@link ChatStream}: a `chat.run` whose reply streams (docs/protocol.md 4.6 and 18). The
 * agent sends the reply's text as delta frames tied to the request, in order, then the one
 * final response; the stream is an async iterator of those pieces of text, and `result`
 * the final {@link ChatResult}.
 *
 * The connection never waits for a reader: one slow reader must not stall every other
 * call and subscription on the socket. Nor is a piece ever dropped. Pieces the reader has
 * not taken yet are joined, as the agent joins pieces a slow connection has not read, so a
 * stream holds at most {@link MAX_UNREAD_PIECES} of them, and never more text than the
 * agent's largest reply ({@link MAX_REPLY_TEXT_BYTES}), which is all a stream can hold:
 * more unread text than that comes from no agent keeping to the protocol, and fails the
 * stream with a {@link StreamOverflowError} (and cancels the call) rather than grow.
 */

import type { Area, RequestOptions } from "./areas.js";
import type { DeltaHandler, Reply } from "./connection.js";
import { InvalidResponseError, StreamOverflowError } from "./errors.js";
import type { ChatParams } from "./generated/ChatParams.js";
import type { ChatResult } from "./generated/ChatResult.js";
import { MAX_REPLY_TEXT_BYTES } from "./generated/constants.js";
import { ItemQueue } from "./queue.js";

/** The wire name of a model call. */
const CHAT_METHOD = "chat.run";

/** Pieces of text a stream keeps apart before it joins the newest ones. */
export const MAX_UNREAD_PIECES = 256;

/** What a streamed `chat.run` takes: its params, without `stream`, which it sets. */
export type ChatStreamParams = Omit<ChatParams, "stream">;

/** The `chat` area: `run` (the whole reply at once), and `stream`. */
export type ChatArea = Area<"chat"> & {
  /**
   * `chat.run` with its reply streamed: read the text with `for await`, then
   * `await stream.result`. Aborting `options.signal`, or leaving the loop early, cancels
   * the call on the agent. The timeout, unless given, is the call's own deadline
   * (`timeout_ms`, default 120 s) plus 5 s, so the agent can say how far it got.
   */
  stream(params: ChatStreamParams, options?: RequestOptions): ChatStream;
};

/** Sends the call with `onDelta` taking its delta frames; settles with its answer. */
export type StartStreamedCall = (onDelta: DeltaHandler, signal: AbortSignal) => Promise<Reply<ChatResult>>;

/**
 * A model call in progress whose reply streams: an async iterator of the reply's text,
 * in order (joined, the pieces are `result`'s `text`), and the final result.
 *
 * - The iteration ends when the response has come; if the call fails (an agent error, a
 *   timeout, a lost connection, an abort), it throws that error after the pieces already
 *   received, and `result` rejects with the same error.
 * - Leaving a `for await` loop early cancels the call: a cancel frame goes to the agent,
 *   and `result` rejects with an `AbortError`.
 * - `result` never makes an unhandled rejection, so a caller that only reads the text
 *   need not await it.
 */
export class ChatStream implements AsyncIterableIterator<string, undefined> {
  /** The call's final answer: the whole text, usage, cost, timings. */
  readonly result: Promise<ChatResult>;
  readonly #queue = new ItemQueue<string>(MAX_UNREAD_PIECES);
  /** Aborts the call: the caller's signal, the reader leaving, or this stream failing it. */
  readonly #controller = new AbortController();
  /** Text received and not yet read, in UTF-16 code units (never more than its bytes in UTF-8). */
  #unread = 0;
  #nextSeq = 1;
  #settled = false;

  /** Made by `client.chat.stream`. */
  constructor(start: StartStreamedCall, signal: AbortSignal | undefined) {
    const unfollow = follow(signal, this.#controller);
    this.result = start((seq, data) => this.#onDelta(seq, data), this.#controller.signal).then(
      (reply) => {
        this.#settled = true;
        unfollow();
        this.#queue.end();
        return reply.result;
      },
      (error: unknown) => {
        this.#settled = true;
        unfollow();
        this.#queue.end({ error });
        throw error;
      },
    );
    this.result.catch(() => undefined);
  }

  /** The next piece of text, waiting for one if none has come. */
  async next(): Promise<IteratorResult<string, undefined>> {
    const next = await this.#queue.next();
    if (!next.done) {
      this.#unread -= next.value.length;
    }
    return next;
  }

  /** Called when a `for await` loop is left early: cancels the call. */
  async return(): Promise<IteratorResult<string, undefined>> {
    this.#queue.clear();
    this.#abort(new DOMException("the reader left the stream before its end", "AbortError"));
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #onDelta(seq: unknown, data: unknown): void {
    if (seq !== this.#nextSeq) {
      this.#abort(new InvalidResponseError(CHAT_METHOD, `delta ${String(seq)} came where ${this.#nextSeq} was due`));
      return;
    }
    const text = typeof data === "object" && data !== null ? (data as Record<string, unknown>)["text"] : undefined;
    if (typeof text !== "string") {
      this.#abort(new InvalidResponseError(CHAT_METHOD, `delta ${seq} has no text`));
      return;
    }
    this.#nextSeq += 1;
    if (this.#unread + text.length > MAX_REPLY_TEXT_BYTES) {
      this.#abort(new StreamOverflowError(CHAT_METHOD, MAX_REPLY_TEXT_BYTES));
      return;
    }
    this.#unread += text.length;
    if (this.#queue.push(text) === "full") {
      this.#queue.mergeIntoLast((last) => last + text);
    }
  }

  /** Gives up on the call (a cancel frame, if it was sent): it fails with `reason`. */
  #abort(reason: unknown): void {
    if (!this.#settled) {
      this.#controller.abort(reason);
    }
  }
}

/** Aborts `controller` when `signal` aborts; returns what stops that. */
function follow(signal: AbortSignal | undefined, controller: AbortController): () => void {
  if (signal === undefined) {
    return () => undefined;
  }
  if (signal.aborted) {
    controller.abort(signal.reason);
    return () => undefined;
  }
  const onAbort = (): void => controller.abort(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  return () => signal.removeEventListener("abort", onAbort);
}
