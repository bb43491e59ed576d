/**
 * {@link Connection}: one socket to the agent, from the `hello` handshake to its end.
 *
 * It writes each request as one frame, matches responses to pending calls by id (they
 * may arrive in any order), routes event frames to subscriptions by subscription id, and
 * when the socket ends fails every pending call at once with one {@link DisconnectedError}.
 * At most the agent's `max_in_flight` requests are on the wire at once; more wait here,
 * within their own timeout, rather than be refused with `BUSY`. A call that times out or
 * is aborted sends a cancel frame and keeps its slot until the agent answers it, so the
 * agent's count and this one never disagree.
 *
 * A streamed call (`chat.run` with `stream: true`) is answered with delta frames tied to
 * its request id, then its one final response. Deltas go by that id to the call's
 * `onDelta` while it waits (those of an id nobody waits for, or that come after the
 * response, are dropped, docs/protocol.md 4.6); the response settles the call as any.
 */

import net from "node:net";

import {
  AgentClientError,
  AgentError,
  AgentUnavailableError,
  DisconnectedError,
  type DisconnectReason,
  InvalidResponseError,
  ProtocolMismatchError,
  RequestTimeoutError,
  RequestTooLargeError,
} from "./errors.js";
import { cancelEnvelope, decodeMessage, encodeMessageFrame, requestEnvelope } from "./codec.js";
import { FrameReader, FrameTooLargeError } from "./framing.js";
import type { ClientInfo } from "./generated/ClientInfo.js";
import { DEFAULT_MAX_FRAME_LEN, PROTOCOL_VERSION } from "./generated/constants.js";
import type { ErrorCode } from "./generated/ErrorCode.js";
import type { EventEnvelope } from "./generated/EventEnvelope.js";
import type { HelloResult } from "./generated/HelloResult.js";
import type { MessageArg } from "./generated/MessageArg.js";
import type { WireError } from "./generated/WireError.js";

/** The one error the agent sends with `id: nil` and keeps the connection open after. */
const NON_CLOSING_ERROR: ErrorCode = "INVALID_REQUEST";

/** The longest delay a Node timer holds. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A successful answer, with the correlation ID the agent used for the request. */
export interface Reply<T> {
  result: T;
  correlationId: string;
}

export interface CallOptions {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  correlationId?: string | undefined;
  /**
   * Runs with the result inside the frame handler, before any later frame is read (an
   * `events.subscribe` registers its route here, so no event that follows is missed).
   * `abandoned` is true when the caller stopped waiting before the answer came.
   */
  onResult?: ((result: unknown, abandoned: boolean) => void) | undefined;
  /** Takes the call's delta frames (`seq`, `data`) inside the frame handler, until its response. */
  onDelta?: DeltaHandler | undefined;
}

/** What a streamed call does with each of its delta frames. */
export type DeltaHandler = (seq: unknown, data: unknown) => void;

export interface ConnectOptions {
  socketPath: string;
  client: ClientInfo;
  /** The user's preferred languages, for `hello`. */
  locales?: readonly string[] | undefined;
  /** How long connecting and the handshake may take. */
  timeoutMs: number;
  /** Called once, when the connection ends for whatever reason. */
  onClose?: (reason: DisconnectReason) => void;
}

/** Where a call stands. */
type CallState = "queued" | "sent" | "abandoned" | "settled";

interface PendingCall {
  id: number;
  method: string;
  frame: Buffer;
  state: CallState;
  resolve: (reply: Reply<unknown>) => void;
  reject: (error: unknown) => void;
  onResult: CallOptions["onResult"];
  onDelta: DeltaHandler | undefined;
  /** Clears the call's timer and abort listener. */
  cleanup: () => void;
}

export class Connection {
  readonly socketPath: string;
  readonly #socket: net.Socket;
  readonly #reader = new FrameReader(DEFAULT_MAX_FRAME_LEN);
  readonly #onClose: ((reason: DisconnectReason) => void) | undefined;
  #hello: HelloResult | undefined;
  #maxFrameLength = DEFAULT_MAX_FRAME_LEN;
  /** Until `hello` says otherwise, the handshake alone is in flight. */
  #maxInFlight = 1;
  #nextId = 1;
  /** Calls on the wire (abandoned ones included) by request id. */
  readonly #pending = new Map<number, PendingCall>();
  /** Calls waiting for a slot, oldest first. */
  readonly #queued: PendingCall[] = [];
  readonly #routes = new Map<number, (event: EventEnvelope) => void>();
  /** The error the agent sent, with no id, as the reason it closes the connection. */
  #rejection: WireError | undefined;
  #failure: Error | undefined;
  #closeReason: DisconnectReason | undefined;

  private constructor(socket: net.Socket, socketPath: string, onClose: ConnectOptions["onClose"]) {
    this.#socket = socket;
    this.socketPath = socketPath;
    this.#onClose = onClose;
    socket.on("data", (chunk: Buffer) => this.#onData(chunk));
    socket.on("end", () => {
      if (this.#reader.inFrame) {
        this.#failure ??= new Error("the agent closed the connection in the middle of a frame");
      }
    });
    socket.on("error", (error) => {
      this.#failure ??= error;
    });
    socket.on("close", () => this.#finish(this.#endReason()));
  }

  /**
   * Connects to `socketPath` and performs the handshake. Throws
   * {@link AgentUnavailableError} when nobody answers there, and
   * {@link ProtocolMismatchError} when the agent speaks another protocol version.
   */
  static async open(options: ConnectOptions): Promise<Connection> {
    const started = Date.now();
    const socket = await connectSocket(options.socketPath, options.timeoutMs);
    const connection = new Connection(socket, options.socketPath, options.onClose);
    try {
      const reply = await connection.call(
        "hello",
        {
          protocol: PROTOCOL_VERSION,
          client: options.client,
          ...(options.locales !== undefined && options.locales.length > 0
            ? { locales: [...options.locales] }
            : {}),
        },
        { timeoutMs: Math.max(1, options.timeoutMs - (Date.now() - started)) },
      );
      connection.#accept(checkedHello(reply.result));
      return connection;
    } catch (error) {
      connection.close();
      throw handshakeError(error, options.socketPath);
    }
  }

  /** What the agent said in the handshake: its version, capabilities and limits. */
  get hello(): HelloResult {
    if (this.#hello === undefined) {
      throw new Error("the handshake has not completed");
    }
    return this.#hello;
  }

  /** Why the connection ended, once it has. */
  get closeReason(): DisconnectReason | undefined {
    return this.#closeReason;
  }

  /**
   * Sends one request and settles with its answer: the result, an {@link AgentError},
   * a {@link DisconnectedError}, a {@link RequestTimeoutError}, or the signal's reason.
   */
  call(method: string, params: unknown, options: CallOptions): Promise<Reply<unknown>> {
    if (this.#closeReason !== undefined) {
      return Promise.reject(new DisconnectedError(this.#closeReason));
    }
    const { signal } = options;
    if (signal?.aborted) {
      return Promise.reject(signal.reason);
    }
    const id = this.#nextId++;
    let frame: Buffer;
    try {
      frame = encodeMessageFrame(requestEnvelope(id, method, params, options.correlationId), this.#maxFrameLength);
    } catch (error) {
      return Promise.reject(
        error instanceof FrameTooLargeError
          ? new RequestTooLargeError(method, error.length, error.maxLength)
          : new AgentClientError("ENCODE_FAILED", `could not encode \`${method}\`: ${String(error)}`, {
              cause: error,
            }),
      );
    }
    // setTimeout fires at once for a delay it cannot hold (beyond about 24.8 days).
    const timeoutMs = Math.min(Math.max(1, options.timeoutMs), MAX_TIMER_MS);
    return new Promise((resolve, reject) => {
      const onAbort = (): void => this.#giveUp(call, signal?.reason);
      const timer = setTimeout(() => this.#giveUp(call, new RequestTimeoutError(method, timeoutMs)), timeoutMs);
      const call: PendingCall = {
        id,
        method,
        frame,
        state: "queued",
        resolve,
        reject,
        onResult: options.onResult,
        onDelta: options.onDelta,
        cleanup: () => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      if (this.#pending.size < this.#maxInFlight) {
        this.#send(call);
      } else {
        this.#queued.push(call);
      }
    });
  }

  /** Sends a request nobody waits for (an unsubscribe from a subscription already gone). */
  sendDetached(method: string, params: unknown, timeoutMs: number): void {
    this.call(method, params, { timeoutMs }).catch(() => undefined);
  }

  /** Routes the event frames of `subscription` to `deliver`. */
  route(subscription: number, deliver: (event: EventEnvelope) => void): void {
    this.#routes.set(subscription, deliver);
  }

  /** Stops routing `subscription`: its later events are dropped. */
  unroute(subscription: number): void {
    this.#routes.delete(subscription);
  }

  /** Ends the connection; pending calls fail with a {@link DisconnectedError}. */
  close(): void {
    this.#finish({ kind: "client_closed" });
    this.#socket.destroy();
  }

  #accept(hello: HelloResult): void {
    if (hello.protocol !== PROTOCOL_VERSION) {
      throw new ProtocolMismatchError(
        `the agent answered hello with protocol ${hello.protocol}; this client speaks ${PROTOCOL_VERSION}`,
        PROTOCOL_VERSION,
        hello.supported_protocols,
        undefined,
      );
    }
    this.#hello = hello;
    // The agent may lower the limit, never raise it beyond the protocol's: this side's
    // memory is bounded whatever a peer announces.
    this.#maxFrameLength = Math.min(hello.max_frame_len, DEFAULT_MAX_FRAME_LEN);
    this.#reader.maxLength = this.#maxFrameLength;
    this.#maxInFlight = hello.max_in_flight;
    this.#sendQueued();
  }

  #send(call: PendingCall): void {
    call.state = "sent";
    this.#pending.set(call.id, call);
    this.#socket.write(call.frame);
  }

  #sendQueued(): void {
    while (this.#pending.size < this.#maxInFlight && this.#queued.length > 0) {
      this.#send(this.#queued.shift() as PendingCall);
    }
  }

  /** The caller stops waiting: a timeout or an abort. */
  #giveUp(call: PendingCall, error: unknown): void {
    if (call.state === "queued") {
      this.#queued.splice(this.#queued.indexOf(call), 1);
    } else if (call.state === "sent") {
      // The agent answers every request, this one too: its slot is freed then.
      call.state = "abandoned";
      if (this.#closeReason === undefined) {
        this.#socket.write(encodeMessageFrame(cancelEnvelope(call.id), this.#maxFrameLength));
      }
    } else {
      return;
    }
    call.cleanup();
    call.reject(error);
  }

  #settle(call: PendingCall, outcome: { reply: Reply<unknown> } | { error: unknown }): void {
    if (call.state !== "sent" && call.state !== "queued") {
      return;
    }
    call.state = "settled";
    call.cleanup();
    if ("reply" in outcome) {
      call.resolve(outcome.reply);
    } else {
      call.reject(outcome.error);
    }
  }

  #onData(chunk: Buffer): void {
    let bodies: Buffer[];
    try {
      bodies = this.#reader.push(chunk);
    } catch (error) {
      this.#fail(error as Error);
      return;
    }
    for (const body of bodies) {
      this.#onFrame(body);
      if (this.#closeReason !== undefined || this.#failure !== undefined) {
        return;
      }
    }
  }

  #onFrame(body: Buffer): void {
    let message: unknown;
    try {
      message = decodeMessage(body);
    } catch (error) {
      // Bytes that do not decode mean the peer is no agent speaking this protocol.
      this.#fail(error as Error);
      return;
    }
    if (typeof message !== "object" || message === null) {
      return;
    }
    const envelope = message as Record<string, unknown>;
    switch (envelope["type"]) {
      case "response":
        this.#onResponse(envelope);
        return;
      case "event":
        this.#onEvent(envelope);
        return;
      case "delta":
        this.#onDelta(envelope);
        return;
      default:
        // A kind this build does not know.
        return;
    }
  }

  #onResponse(response: Record<string, unknown>): void {
    const id = response["id"];
    if (id === null || id === undefined) {
      // It never answers a pending call. An INVALID_REQUEST is about one message the agent
      // could not use, and the connection lives on; every other such error is why the
      // agent is about to close it (docs/protocol.md 8.1).
      const error = asWireError(response["error"]);
      if (error !== undefined && error.code !== NON_CLOSING_ERROR) {
        this.#rejection = error;
      }
      return;
    }
    const call = typeof id === "number" ? this.#pending.get(id) : undefined;
    if (call === undefined) {
      return;
    }
    this.#pending.delete(call.id);
    const abandoned = call.state === "abandoned";
    const correlationId = typeof response["correlation_id"] === "string" ? response["correlation_id"] : "";
    if (response["error"] !== undefined) {
      const error = asWireError(response["error"]);
      this.#settle(call, {
        error:
          error === undefined
            ? new InvalidResponseError(call.method, "its error is not an error object")
            : new AgentError(error, correlationId, call.method),
      });
    } else if (!("result" in response)) {
      this.#settle(call, { error: new InvalidResponseError(call.method, "it has neither a result nor an error") });
    } else {
      call.onResult?.(response["result"], abandoned);
      this.#settle(call, { reply: { result: response["result"], correlationId } });
    }
    this.#sendQueued();
  }

  #onEvent(event: Record<string, unknown>): void {
    const subscription = event["subscription"];
    const deliver = typeof subscription === "number" ? this.#routes.get(subscription) : undefined;
    if (deliver !== undefined && typeof event["topic"] === "string") {
      deliver(event as unknown as EventEnvelope);
    }
  }

  #onDelta(delta: Record<string, unknown>): void {
    const id = delta["id"];
    const call = typeof id === "number" ? this.#pending.get(id) : undefined;
    // Only a call still waiting takes its deltas: one given up on has no reader left.
    if (call?.onDelta !== undefined && call.state === "sent") {
      call.onDelta(delta["seq"], delta["data"]);
    }
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    this.#socket.destroy();
  }

  #endReason(): DisconnectReason {
    if (this.#rejection !== undefined) {
      return { kind: "rejected", error: this.#rejection };
    }
    if (this.#failure !== undefined) {
      return { kind: "failed", error: this.#failure };
    }
    return { kind: "closed" };
  }

  #finish(reason: DisconnectReason): void {
    if (this.#closeReason !== undefined) {
      return;
    }
    this.#closeReason = reason;
    const error = new DisconnectedError(reason);
    for (const call of this.#queued.splice(0)) {
      this.#settle(call, { error });
    }
    for (const call of this.#pending.values()) {
      this.#settle(call, { error });
    }
    this.#pending.clear();
    this.#routes.clear();
    this.#onClose?.(reason);
  }
}

/**
 * The `hello` result, once its limits are known to be usable: a missing or nonsensical
 * `max_frame_len` or `max_in_flight` would otherwise lift the frame limit or stall every call.
 */
function checkedHello(result: unknown): HelloResult {
  const problem = isRecord(result) ? helloProblem(result) : "it is not a map";
  if (problem !== undefined) {
    throw new InvalidResponseError("hello", problem);
  }
  return result as HelloResult;
}

function helloProblem(hello: Record<string, unknown>): string | undefined {
  if (typeof hello["agent_version"] !== "string") {
    return "agent_version is not a string";
  }
  if (!Number.isSafeInteger(hello["protocol"])) {
    return "protocol is not an integer";
  }
  const range = hello["supported_protocols"];
  if (!isRecord(range) || !Number.isSafeInteger(range["min"]) || !Number.isSafeInteger(range["max"])) {
    return "supported_protocols is not {min, max}";
  }
  const capabilities = hello["capabilities"];
  if (!Array.isArray(capabilities) || !capabilities.every((name) => typeof name === "string")) {
    return "capabilities is not a list of names";
  }
  for (const limit of ["max_frame_len", "max_in_flight"]) {
    const value = hello[limit];
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
      return `${limit} is not a positive integer`;
    }
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asWireError(error: unknown): WireError | undefined {
  if (!isRecord(error) || typeof error["code"] !== "string" || typeof error["message"] !== "string") {
    return undefined;
  }
  return {
    code: error["code"],
    message: error["message"],
    ...(typeof error["message_id"] === "string" ? { message_id: error["message_id"] } : {}),
    ...messageArgs("message_args", error["message_args"]),
    ...(typeof error["remediation"] === "string" ? { remediation: error["remediation"] } : {}),
    ...(typeof error["remediation_id"] === "string" ? { remediation_id: error["remediation_id"] } : {}),
    ...messageArgs("remediation_args", error["remediation_args"]),
    retryable: error["retryable"] === true,
    ...(error["details"] === undefined ? {} : { details: error["details"] }),
  };
}

/** `{[key]: args}` when `args` is a map of strings and numbers, else nothing. */
function messageArgs<K extends string>(key: K, args: unknown): { [P in K]?: Record<string, MessageArg> } {
  if (!isRecord(args)) {
    return {};
  }
  const kept: Record<string, MessageArg> = {};
  for (const [name, value] of Object.entries(args)) {
    if (typeof value === "string" || typeof value === "number") {
      kept[name] = value;
    }
  }
  return { [key]: kept } as { [P in K]?: Record<string, MessageArg> };
}

/** Opens the socket, telling "nobody listens" apart from other failures. */
function connectSocket(socketPath: string, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new AgentUnavailableError("CONNECT_FAILED", `connecting to ${socketPath} took longer than ${timeoutMs} ms`, socketPath, {
          retryable: true,
          remediation: "The agent may be overloaded; retry.",
        }),
      );
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.removeAllListeners("error");
      resolve(socket);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      reject(connectError(error, socketPath));
    });
  });
}

function connectError(error: NodeJS.ErrnoException, socketPath: string): AgentUnavailableError {
  if (error.code === "ENOENT" || error.code === "ECONNREFUSED") {
    return new AgentUnavailableError("AGENT_NOT_RUNNING", `no agent is listening on ${socketPath}`, socketPath, {
      retryable: true,
      remediation:
        "Start the agent (give the client autoSpawn with the bundled binary's path), or point it at a running one with socketPath or LLM_AGENT_SOCKET.",
      cause: error,
    });
  }
  return new AgentUnavailableError(
    "CONNECT_FAILED",
    `could not connect to the agent on ${socketPath}: ${error.message}`,
    socketPath,
    {
      remediation: "Check that the path is the agent's socket and that it belongs to this user.",
      cause: error,
    },
  );
}

/** What a failed handshake means to the caller. */
function handshakeError(error: unknown, socketPath: string): unknown {
  if (error instanceof ProtocolMismatchError) {
    return error;
  }
  if (error instanceof AgentError && error.code === "UNSUPPORTED_PROTOCOL") {
    // The agent's message names the versions it accepts; its error carries no details.
    return new ProtocolMismatchError(
      `the agent refused protocol ${PROTOCOL_VERSION}: ${error.message}`,
      PROTOCOL_VERSION,
      undefined,
      error.remediation,
    );
  }
  if (error instanceof DisconnectedError || error instanceof RequestTimeoutError || error instanceof AgentError) {
    return new AgentUnavailableError(
      "HANDSHAKE_FAILED",
      `the agent on ${socketPath} did not complete the handshake: ${error.message}`,
      socketPath,
      {
        retryable: true,
        remediation: error.remediation ?? "Retry; if it keeps failing, restart the agent.",
        cause: error,
      },
    );
  }
  return error;
}
