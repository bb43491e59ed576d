/**
 * {@link AgentClient}: the agent as the Electron main process sees it, one long-lived
 * object that stays connected.
 *
 * - It finds the socket by the agent's own rule, connects and performs the handshake,
 *   starting the bundled agent first when auto-spawn is on and nobody listens (at most
 *   once per outage; the agent's lock decides who runs when several clients race), or
 *   in place of an older agent left running from before an app update (`upgrade.ts`).
 * - Calls are typed by method (`request("profiles.list", {})`, or the named methods
 *   `client.profiles.list()`), each with a timeout and an optional `AbortSignal`; a call
 *   given up on sends a cancel frame.
 * - When the connection is lost, calls in flight fail with a {@link DisconnectedError}
 *   (they are never sent again), the client reconnects by itself (one attempt at a time,
 *   jittered exponential backoff), and subscriptions are restored (the state topics
 *   resumed from the last revision each saw). A call made while the agent is away starts
 *   an attempt at once and waits for it, within its own timeout.
 * - {@link AgentClient.onStateChange} tells the app when the agent is gone and back.
 */

import { type Backoff, reconnectDelayMs } from "./backoff.js";
import { buildAreas, type Areas, type MethodName, type ParamsOf, type RequestOptions, type ResultOf } from "./areas.js";
import { type ChatArea, ChatStream, type ChatStreamParams } from "./chat.js";
import { Connection, type DeltaHandler, MAX_TIMER_MS, type Reply } from "./connection.js";
import { AgentClientError, AgentUnavailableError, DisconnectedError, RequestTimeoutError } from "./errors.js";
import type { ChatParams } from "./generated/ChatParams.js";
import type { ClientInfo } from "./generated/ClientInfo.js";
import {
  AGENT_VERSION,
  DEFAULT_CHAT_TIMEOUT_MS,
  DEFAULT_SWEEP_TIMEOUT_MS,
  DEFAULT_TEST_TIMEOUT_MS,
} from "./generated/constants.js";
import type { HelloResult } from "./generated/HelloResult.js";
import type { RunParams } from "./generated/RunParams.js";
import type { TestParams } from "./generated/TestParams.js";
import { resolveDataDir, resolveSocketPath } from "./location.js";
import { type AutoSpawnOptions, DEFAULT_READY_TIMEOUT_MS, spawnAgentAndConnect } from "./spawn.js";
import { Subscription, type SubscriptionLink, type SubscriptionOwner, type TopicName } from "./subscription.js";
import { handOver, isOlder } from "./upgrade.js";

/** How long a call waits for its answer unless told otherwise. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** How long connecting and the handshake may take (the agent's own handshake deadline). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
/** How many events a subscription buffers before its reader counts as lagging. */
export const DEFAULT_SUBSCRIPTION_BUFFER = 1024;
/** What a call that carries its own deadline (`timeout_ms`) waits beyond it. */
export const OWN_DEADLINE_GRACE_MS = 5_000;

/** The pause before the first reconnect attempt after a loss, unless told otherwise. */
const DEFAULT_RECONNECT_DELAY_MS = 100;
/** The longest pause between reconnect attempts, unless told otherwise. */
const MAX_RECONNECT_DELAY_MS = 5_000;

/** This package, as it introduces itself in `hello` unless told otherwise. */
const PACKAGE_CLIENT: ClientInfo = { name: "llm-agent-client", version: "0.1.0" };

export interface ReconnectOptions {
  /** The pause before the first attempt after a loss; it doubles per failed attempt. Default 100 ms. */
  initialDelayMs?: number | undefined;
  /** The longest pause between attempts. Default 5 s. */
  maxDelayMs?: number | undefined;
}

export interface AgentClientOptions {
  /** How the app introduces itself in `hello`; the agent records it. */
  client?: ClientInfo | undefined;
  /**
   * The languages the learner prefers, most preferred first, as BCP 47 tags (in
   * Electron, `app.getPreferredSystemLanguages()`). The agent renders every `message`
   * and `remediation` in the best match it has (English when none matches) and says
   * which in `hello.locale`; message ids and arguments come beside every text for an
   * app that renders them from catalogs of its own. Default: none (English).
   */
  locales?: readonly string[] | undefined;
  /** The socket (a named pipe on Windows). Default `LLM_AGENT_SOCKET`, else the platform's. */
  socketPath?: string | undefined;
  /**
   * The agent's data directory: where the Linux socket falls back to without
   * `XDG_RUNTIME_DIR`, and what a spawned agent is given as `--data-dir`. Default the
   * agent's own (`LLM_AGENT_DATA_DIR`, else the platform's).
   */
  dataDir?: string | undefined;
  /** Starts the agent when nobody listens. Without it, a missing agent is `AGENT_NOT_RUNNING`. */
  autoSpawn?: AutoSpawnOptions | undefined;
  /** Reconnecting after a loss; `false` leaves the client disconnected. */
  reconnect?: ReconnectOptions | false | undefined;
  /** The timeout of calls that set none. Default 30 s. */
  requestTimeoutMs?: number | undefined;
  /** How long connecting and the handshake may take. Default 5 s. */
  connectTimeoutMs?: number | undefined;
  /** Events a subscription buffers before its reader counts as lagging. Default 1024. */
  subscriptionBufferSize?: number | undefined;
}

/** Per-subscription settings. */
export interface SubscribeOptions {
  /** Aborting gives up on the subscribe request (with a cancel frame). */
  signal?: AbortSignal | undefined;
  /** How long to wait for the agent's answer. Default: the client's `requestTimeoutMs`. */
  timeoutMs?: number | undefined;
  /** Events buffered before the reader counts as lagging. Default: `subscriptionBufferSize`. */
  bufferSize?: number | undefined;
  /**
   * With state topics: the last revision the app saw (a `profiles.list` result's
   * `revision`, or an earlier subscription's): the changes after it come first, or a
   * `resync` item when the agent no longer holds them.
   */
  sinceRevision?: number | undefined;
}

/** Where the client stands. */
export type ConnectionState =
  | { status: "connecting" }
  | { status: "connected"; hello: HelloResult }
  /** The agent is gone; `reconnecting` says whether the client keeps trying. */
  | { status: "disconnected"; error: AgentClientError; reconnecting: boolean }
  | { status: "closed" };

export type StateListener = (state: ConnectionState) => void;

/** Every area's named methods, `chat` with its streamed call. */
export type ClientAreas = Omit<Areas, "chat"> & { readonly chat: ChatArea };

// The named methods (`client.profiles.list()`) are the generated areas, merged into the class.
export interface AgentClient extends ClientAreas {}

export class AgentClient {
  readonly #options: AgentClientOptions;
  readonly #socketPath: string;
  readonly #client: ClientInfo;
  readonly #requestTimeoutMs: number;
  readonly #connectTimeoutMs: number;
  readonly #reconnect: Backoff | undefined;
  #connection: Connection | undefined;
  #attempt: Promise<Connection> | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #failedAttempts = 0;
  #connectedOnce = false;
  #spawnedThisOutage = false;
  #state: ConnectionState = { status: "connecting" };
  readonly #listeners = new Set<StateListener>();
  readonly #subscriptions = new Set<SubscriptionLink>();
  readonly #subscriptionOwner: SubscriptionOwner = {
    keep: (subscription) => this.#subscriptions.add(subscription),
    forget: (subscription) => this.#subscriptions.delete(subscription),
    requestTimeoutMs: () => this.#requestTimeoutMs,
  };

  /**
   * Connects (starting the agent first if auto-spawn is on and nobody listens) and
   * performs the handshake. Throws {@link AgentUnavailableError} (or its
   * {@link AgentSpawnError}) when no agent can be reached, and
   * {@link ProtocolMismatchError} when it speaks another protocol version.
   */
  static async connect(options: AgentClientOptions = {}): Promise<AgentClient> {
    const client = new AgentClient(options);
    try {
      await client.#attemptNow();
    } catch (error) {
      client.close();
      throw error;
    }
    return client;
  }

  private constructor(options: AgentClientOptions) {
    this.#options = options;
    this.#socketPath = resolveSocketPath(options.socketPath, options.dataDir);
    this.#client = options.client ?? PACKAGE_CLIENT;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const reconnect = options.reconnect;
    // Field by field: a field given as undefined takes its default too.
    this.#reconnect =
      reconnect === false
        ? undefined
        : {
            initialDelayMs: reconnect?.initialDelayMs ?? DEFAULT_RECONNECT_DELAY_MS,
            maxDelayMs: reconnect?.maxDelayMs ?? MAX_RECONNECT_DELAY_MS,
          };
    const areas = buildAreas((method, params, callOptions) => this.request(method, params as never, callOptions));
    const chat: ChatArea = Object.freeze({
      ...areas.chat,
      stream: (params: ChatStreamParams, callOptions: RequestOptions = {}) => this.#chatStream(params, callOptions),
    });
    Object.assign(this, areas, { chat });
  }

  /** The socket (or named pipe) this client connects to. */
  get socketPath(): string {
    return this.#socketPath;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** What the agent said in the handshake of the current connection. */
  get hello(): HelloResult | undefined {
    return this.#state.status === "connected" ? this.#state.hello : undefined;
  }

  /**
   * Calls `listener` whenever the status changes: `disconnected` when the agent is gone
   * (failed reconnect attempts do not repeat it), `connected` each time it is back,
   * `closed` after {@link AgentClient.close}. (`connecting` is only the state before
   * {@link AgentClient.connect} returns.) Returns a function that stops it.
   */
  onStateChange(listener: StateListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Calls `method` and resolves with its result. */
  async request<M extends MethodName>(method: M, params: ParamsOf<M>, options: RequestOptions = {}): Promise<ResultOf<M>> {
    return (await this.requestReply(method, params, options)).result;
  }

  /** Calls `method` and resolves with its result and the correlation ID the agent used. */
  async requestReply<M extends MethodName>(
    method: M,
    params: ParamsOf<M>,
    options: RequestOptions = {},
  ): Promise<Reply<ResultOf<M>>> {
    return (await this.#send(method, params, options, undefined)) as Reply<ResultOf<M>>;
  }

  /**
   * Subscribes to `topics`. Events that follow the agent's answer are never lost; after
   * a reconnect the client subscribes again by itself, resuming the state topics from
   * the last revision the subscription saw.
   */
  async subscribe<T extends TopicName>(
    topics: readonly T[],
    options: SubscribeOptions = {},
  ): Promise<Subscription<T>> {
    const timeoutMs = options.timeoutMs ?? this.#requestTimeoutMs;
    const started = Date.now();
    const connection =
      this.#usableConnection() ?? (await this.#connectionWithin("events.subscribe", timeoutMs, options.signal));
    const subscription = new Subscription<T>(
      [...topics],
      options.bufferSize ?? this.#options.subscriptionBufferSize ?? DEFAULT_SUBSCRIPTION_BUFFER,
      this.#subscriptionOwner,
      options.sinceRevision,
    );
    await subscription.attach(connection, {
      timeoutMs: Math.max(1, timeoutMs - (Date.now() - started)),
      signal: options.signal,
    });
    return subscription;
  }

  /**
   * Closes the connection and stops reconnecting. Calls in flight fail with a
   * {@link DisconnectedError}; subscriptions end. The agent keeps running.
   */
  close(): void {
    if (this.#state.status === "closed") {
      return;
    }
    clearTimeout(this.#retryTimer);
    const connection = this.#connection;
    this.#connection = undefined;
    this.#setState({ status: "closed" });
    connection?.close();
    for (const subscription of [...this.#subscriptions]) {
      subscription.closed();
    }
  }

  /** `chat.run` with `stream: true`, its delta frames going to the stream it returns. */
  #chatStream(params: ChatStreamParams, options: RequestOptions): ChatStream {
    const streamed: ChatParams = { ...params, stream: true };
    return new ChatStream(
      (onDelta, signal) =>
        this.#send("chat.run", streamed, { ...options, signal }, onDelta) as Promise<Reply<ResultOf<"chat.run">>>,
      options.signal,
    );
  }

  /** One call, on the connection there is or the one an attempt makes within its timeout. */
  async #send(
    method: MethodName,
    params: unknown,
    options: RequestOptions,
    onDelta: DeltaHandler | undefined,
  ): Promise<Reply<unknown>> {
    const timeoutMs = options.timeoutMs ?? this.#defaultTimeout(method, params);
    const started = Date.now();
    const connection = this.#usableConnection() ?? (await this.#connectionWithin(method, timeoutMs, options.signal));
    return connection.call(method, params, {
      timeoutMs: Math.max(1, timeoutMs - (Date.now() - started)),
      signal: options.signal,
      correlationId: options.correlationId,
      onDelta,
    });
  }

  #defaultTimeout(method: MethodName, params: unknown): number {
    switch (method) {
      case "chat.run":
        return ((params as ChatParams).timeout_ms ?? DEFAULT_CHAT_TIMEOUT_MS) + OWN_DEADLINE_GRACE_MS;
      case "profiles.test":
        return ((params as TestParams).timeout_ms ?? DEFAULT_TEST_TIMEOUT_MS) + OWN_DEADLINE_GRACE_MS;
      case "discovery.run":
        return ((params as RunParams).timeout_ms ?? DEFAULT_SWEEP_TIMEOUT_MS) + OWN_DEADLINE_GRACE_MS;
      default:
        return this.#requestTimeoutMs;
    }
  }

  #usableConnection(): Connection | undefined {
    const connection = this.#connection;
    return connection !== undefined && connection.closeReason === undefined ? connection : undefined;
  }

  /** A connection for a call made while there is none: an attempt now, within the call's limits. */
  #connectionWithin(method: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<Connection> {
    if (signal?.aborted) {
      return Promise.reject(signal.reason);
    }
    return new Promise((resolve, reject) => {
      const onAbort = (): void => finish(() => reject(signal?.reason));
      const timer = setTimeout(
        () => finish(() => reject(new RequestTimeoutError(method, timeoutMs))),
        Math.min(Math.max(1, timeoutMs), MAX_TIMER_MS),
      );
      let done = false;
      const finish = (settle: () => void): void => {
        if (!done) {
          done = true;
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
          settle();
        }
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#attemptNow().then(
        (connection) => finish(() => resolve(connection)),
        (error: unknown) => finish(() => reject(error)),
      );
    });
  }

  /** The current connection, else the attempt under way, else a new attempt: one at a time. */
  #attemptNow(): Promise<Connection> {
    if (this.#state.status === "closed") {
      return Promise.reject(new DisconnectedError({ kind: "client_closed" }));
    }
    const current = this.#usableConnection();
    if (current !== undefined) {
      return Promise.resolve(current);
    }
    if (this.#attempt !== undefined) {
      return this.#attempt;
    }
    if (this.#connectedOnce && this.#reconnect === undefined && this.#state.status === "disconnected") {
      return Promise.reject(this.#state.error);
    }
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    const attempt = this.#establish().then(
      (connection) => {
        this.#attempt = undefined;
        return this.#connected(connection);
      },
      (error: unknown) => {
        this.#attempt = undefined;
        this.#attemptFailed(error);
        throw error;
      },
    );
    this.#attempt = attempt;
    return attempt;
  }

  async #establish(): Promise<Connection> {
    const open = (): Promise<Connection> => {
      let opened: Connection | undefined;
      return Connection.open({
        socketPath: this.#socketPath,
        client: this.#client,
        locales: this.#options.locales,
        timeoutMs: this.#connectTimeoutMs,
        onClose: (reason) => {
          if (opened !== undefined) {
            this.#lost(opened, new DisconnectedError(reason));
          }
        },
      }).then((connection) => (opened = connection));
    };
    const autoSpawn = this.#options.autoSpawn;
    let connection: Connection;
    try {
      connection = await open();
    } catch (error) {
      if (autoSpawn === undefined || this.#spawnedThisOutage || !nobodyServes(error)) {
        throw error;
      }
      return this.#spawn(autoSpawn, open);
    }
    const expectedVersion = autoSpawn?.expectedVersion ?? AGENT_VERSION;
    if (autoSpawn === undefined || this.#spawnedThisOutage || !isOlder(connection.hello.agent_version, expectedVersion)) {
      return connection;
    }
    return handOver({
      old: connection,
      socketPath: this.#socketPath,
      defaultDataDir: () =>
        resolveDataDir(this.#options.dataDir, autoSpawn.env === undefined ? {} : { env: autoSpawn.env }),
      requestTimeoutMs: this.#requestTimeoutMs,
      goneTimeoutMs: autoSpawn.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
      start: () => this.#spawn(autoSpawn, open),
    });
  }

  /**
   * Starts the agent (the one spawn of this outage) and connects to it. The agent it
   * starts is used whatever version it reports: an upgrade hands over once.
   */
  #spawn(autoSpawn: AutoSpawnOptions, open: () => Promise<Connection>): Promise<Connection> {
    this.#spawnedThisOutage = true;
    return spawnAgentAndConnect(autoSpawn, this.#socketPath, this.#options.dataDir, open);
  }

  async #connected(connection: Connection): Promise<Connection> {
    if (this.#state.status === "closed") {
      connection.close();
      throw new DisconnectedError({ kind: "client_closed" });
    }
    this.#connection = connection;
    this.#failedAttempts = 0;
    this.#spawnedThisOutage = false;
    const restoring = [...this.#subscriptions];
    if (this.#connectedOnce) {
      await Promise.all(restoring.map((subscription) => this.#restore(subscription, connection)));
    }
    this.#connectedOnce = true;
    if (connection.closeReason !== undefined) {
      // Lost again while subscriptions were being restored; `#lost` has taken over.
      throw new DisconnectedError(connection.closeReason);
    }
    this.#setState({ status: "connected", hello: connection.hello });
    return connection;
  }

  async #restore(subscription: SubscriptionLink, connection: Connection): Promise<void> {
    if (subscription.ended) {
      return;
    }
    try {
      await subscription.attach(connection, { timeoutMs: this.#requestTimeoutMs });
    } catch (error) {
      // A lost connection leaves it interrupted, for the next attempt to restore.
      if (!(error instanceof DisconnectedError)) {
        subscription.failed(error);
      }
    }
  }

  #attemptFailed(error: unknown): void {
    if (this.#state.status === "closed") {
      return;
    }
    const reason =
      error instanceof AgentClientError
        ? error
        : new AgentClientError("CONNECT_FAILED", `could not connect to the agent: ${String(error)}`, { cause: error });
    this.#failedAttempts += 1;
    const reconnecting = this.#connectedOnce && this.#reconnect !== undefined;
    if (this.#connectedOnce) {
      this.#setState({ status: "disconnected", error: reason, reconnecting });
    }
    if (reconnecting) {
      this.#scheduleAttempt();
    }
  }

  /** The connection ended: fail over to reconnecting. */
  #lost(connection: Connection, error: DisconnectedError): void {
    if (connection !== this.#connection || this.#state.status === "closed") {
      return;
    }
    this.#connection = undefined;
    const reconnecting = this.#reconnect !== undefined;
    for (const subscription of [...this.#subscriptions]) {
      subscription.interrupted(error);
      if (!reconnecting) {
        // Nothing will restore it: the iteration ends after `interrupted`.
        subscription.closed();
      }
    }
    this.#setState({ status: "disconnected", error, reconnecting });
    if (reconnecting) {
      this.#scheduleAttempt();
    }
  }

  #scheduleAttempt(): void {
    const reconnect = this.#reconnect;
    if (reconnect === undefined || this.#attempt !== undefined) {
      return;
    }
    const delay = reconnectDelayMs(this.#failedAttempts, reconnect);
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#attemptNow().catch(() => undefined);
    }, delay);
    // A client waiting to reconnect does not by itself keep the process alive.
    this.#retryTimer.unref();
  }

  #setState(state: ConnectionState): void {
    const previous = this.#state;
    this.#state = state;
    if (previous.status === state.status && state.status !== "connected") {
      return;
    }
    for (const listener of [...this.#listeners]) {
      try {
        listener(state);
      } catch (error) {
        // A listener's bug must not stop the others or the client; report it as uncaught.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}

/**
 * Whether an attempt found no agent to serve it: nobody listens, or the one that listened
 * vanished before it answered `hello` (an agent that was just killed resets connections
 * its dying listener had queued). An agent that refused the connection on purpose (a
 * `BUSY` at its connection limit) is there, and is not replaced.
 */
function nobodyServes(error: unknown): boolean {
  if (!(error instanceof AgentUnavailableError)) {
    return false;
  }
  if (error.code === "AGENT_NOT_RUNNING") {
    return true;
  }
  const cause = error.cause;
  return error.code === "HANDSHAKE_FAILED" && cause instanceof DisconnectedError && cause.reason.kind !== "rejected";
}
