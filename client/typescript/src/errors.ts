/**
 * The errors this client throws. Every one is an {@link AgentClientError} with a stable
 * `code`, advice for a person (`remediation`) and whether the same request may succeed
 * later (`retryable`), so an app can show any of them the same way:
 *
 * - {@link AgentError}: the agent answered the request with an error (its code, message,
 *   remediation, details and the request's correlation ID, exactly as sent);
 * - {@link DisconnectedError}: the connection ended before the answer came;
 * - {@link ProtocolMismatchError}: the agent speaks another protocol version;
 * - {@link AgentUnavailableError}: no agent could be reached (and
 *   {@link AgentSpawnError}: none could be started);
 * - {@link RequestTimeoutError} and {@link RequestTooLargeError}: local limits.
 *
 * A call cancelled through its `AbortSignal` rejects with the signal's `reason`, as
 * `fetch` does (by default a `DOMException` named `AbortError`).
 */

import type { ErrorCode } from "./generated/ErrorCode.js";
import type { FieldError } from "./generated/FieldError.js";
import type { MessageArg } from "./generated/MessageArg.js";
import type { WireError } from "./generated/WireError.js";

interface ErrorOptions {
  remediation?: string | undefined;
  retryable?: boolean;
  cause?: unknown;
}

/** The base of every error this client throws. */
export class AgentClientError extends Error {
  /** A stable SCREAMING_SNAKE code: the agent's for errors it sent, else one for the local failure. */
  readonly code: string;
  /** What a person can do about it. */
  readonly remediation: string | undefined;
  /** Whether the same request may succeed later. */
  readonly retryable: boolean;

  constructor(code: string, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.remediation = options.remediation;
    this.retryable = options.retryable ?? false;
  }
}

/**
 * The agent answered a request with an error. `code`, `message`, `remediation`,
 * `retryable` and `details` are exactly what the agent sent; an unknown code is kept as
 * it came (and is not retryable unless the agent said so).
 */
export class AgentError extends AgentClientError {
  declare readonly code: ErrorCode;
  /** Structured detail; its shape depends on the code (see docs/protocol.md 8.2). */
  readonly details: unknown;
  /** The correlation ID of the request, for support (diagnostics events carry it too). */
  readonly correlationId: string;
  /** The method that failed. */
  readonly method: string;
  /**
   * The stable id of `message` and its arguments, for an app that renders texts from
   * catalogs of its own (docs/messages.md lists them); absent from an older agent.
   */
  readonly messageId: string | undefined;
  readonly messageArgs: Readonly<Record<string, MessageArg>>;
  /** The stable id of `remediation` and its arguments. */
  readonly remediationId: string | undefined;
  readonly remediationArgs: Readonly<Record<string, MessageArg>>;

  constructor(error: WireError, correlationId: string, method: string) {
    super(error.code, error.message, {
      remediation: error.remediation,
      retryable: error.retryable,
    });
    this.details = error.details;
    this.messageId = error.message_id;
    this.messageArgs = Object.freeze({ ...error.message_args });
    this.remediationId = error.remediation_id;
    this.remediationArgs = Object.freeze({ ...error.remediation_args });
    this.correlationId = correlationId;
    this.method = method;
  }

  /** The failing fields of a `VALIDATION_ERROR`, one per field; empty for other codes. */
  get fieldErrors(): FieldError[] {
    if (this.code !== "VALIDATION_ERROR" || !Array.isArray(this.details)) {
      return [];
    }
    return this.details.filter(isFieldError);
  }
}

function isFieldError(value: unknown): value is FieldError {
  if (typeof value !== "object" || value === null) {
    return false;
  }
  const { field, code, message } = value as Record<string, unknown>;
  return typeof field === "string" && typeof code === "string" && typeof message === "string";
}

/** Why a connection ended. */
export type DisconnectReason =
  /** The agent closed the connection (it stopped, or is shutting down). */
  | { kind: "closed" }
  /** The agent sent an error about the connection as a whole (a response with no id), then closed. */
  | { kind: "rejected"; error: WireError }
  /** Reading or writing failed, or the agent sent bytes that are no valid frame. */
  | { kind: "failed"; error: Error }
  /** This client was closed. */
  | { kind: "client_closed" };

/**
 * The connection ended before the answer arrived, or had already ended. The request is
 * never sent again by this client. Whether it ran is unknown: after a profile write, read
 * the profiles before retrying it.
 */
export class DisconnectedError extends AgentClientError {
  readonly reason: DisconnectReason;

  constructor(reason: DisconnectReason) {
    super("DISCONNECTED", describeDisconnect(reason), {
      remediation:
        reason.kind === "client_closed"
          ? "Create a new client: this one was closed."
          : "The agent is gone or restarting; the client reconnects by itself. Retry once it is back (a write's outcome is unknown: read before retrying it).",
      retryable: reason.kind !== "client_closed",
      cause: reason.kind === "failed" ? reason.error : undefined,
    });
    this.reason = reason;
  }
}

function describeDisconnect(reason: DisconnectReason): string {
  switch (reason.kind) {
    case "closed":
      return "the agent closed the connection";
    case "rejected":
      return `the agent closed the connection: ${reason.error.code}: ${reason.error.message}`;
    case "failed":
      return `the connection to the agent failed: ${reason.error.message}`;
    case "client_closed":
      return "the client was closed";
  }
}

/** The agent does not speak this client's protocol version. */
export class ProtocolMismatchError extends AgentClientError {
  /** The version this client speaks. */
  readonly clientProtocol: number;
  /**
   * The versions the agent accepts, when it answered `hello` with another version. When
   * it refused this client's version instead, its message names them.
   */
  readonly agentProtocols: { min: number; max: number } | undefined;

  constructor(
    message: string,
    clientProtocol: number,
    agentProtocols: { min: number; max: number } | undefined,
    remediation: string | undefined,
  ) {
    super("UNSUPPORTED_PROTOCOL", message, {
      remediation:
        remediation ??
        "Install matching versions of the app and the agent: the agent binary bundled with the app is the one it speaks.",
    });
    this.clientProtocol = clientProtocol;
    this.agentProtocols = agentProtocols;
  }
}

/** Codes of {@link AgentUnavailableError}. */
export type UnavailableCode =
  | "AGENT_NOT_RUNNING"
  | "CONNECT_FAILED"
  | "HANDSHAKE_FAILED"
  | "NO_SOCKET_LOCATION"
  | "SOCKET_PATH_TOO_LONG"
  | "SPAWN_FAILED";

/** No agent could be reached at the socket. */
export class AgentUnavailableError extends AgentClientError {
  declare readonly code: UnavailableCode;
  /** The socket (or named pipe) that was tried, when there was one. */
  readonly socketPath: string | undefined;

  constructor(
    code: UnavailableCode,
    message: string,
    socketPath: string | undefined,
    options: ErrorOptions = {},
  ) {
    super(code, message, options);
    this.socketPath = socketPath;
  }
}

/** Why auto-spawn could not bring an agent up. */
export type SpawnFailure =
  /** The path given is relative: a spawned binary is found by its absolute path only. */
  | "not_absolute"
  /** The path points into an asar archive, from which the OS cannot run a program. */
  | "inside_asar"
  /** Nothing exists at the path. */
  | "not_found"
  /** It exists but could not be started (not executable, wrong architecture, ...). */
  | "start_failed"
  /** It started and exited before it answered, and no other agent answered either. */
  | "exited"
  /** It started but did not answer within the ready timeout. */
  | "not_ready";

/** Auto-spawn could not bring an agent up. */
export class AgentSpawnError extends AgentUnavailableError {
  readonly failure: SpawnFailure;
  /** The binary that was (to be) started. */
  readonly agentBinary: string;
  /** With `exited`: the exit code, or the signal that ended it. */
  readonly exit: { code: number | null; signal: string | null } | undefined;

  constructor(
    failure: SpawnFailure,
    message: string,
    agentBinary: string,
    socketPath: string,
    options: ErrorOptions & { exit?: { code: number | null; signal: string | null } } = {},
  ) {
    super("SPAWN_FAILED", message, socketPath, options);
    this.failure = failure;
    this.agentBinary = agentBinary;
    this.exit = options.exit;
  }
}

/** No answer arrived in time. A cancel was sent for the request. */
export class RequestTimeoutError extends AgentClientError {
  readonly method: string;
  readonly timeoutMs: number;

  constructor(method: string, timeoutMs: number) {
    super("TIMEOUT", `\`${method}\` got no answer within ${timeoutMs} ms`, {
      remediation:
        "The agent may be busy; retry, or give the call a longer timeoutMs if the operation is slow (a write's outcome is unknown: read before retrying it).",
      retryable: true,
    });
    this.method = method;
    this.timeoutMs = timeoutMs;
  }
}

/** The request is larger than the agent accepts in one frame; it was not sent. */
export class RequestTooLargeError extends AgentClientError {
  readonly method: string;

  constructor(method: string, length: number, maxLength: number) {
    super(
      "FRAME_TOO_LARGE",
      `\`${method}\` encodes to ${length} bytes; the agent accepts at most ${maxLength} in one frame`,
      { remediation: "Send less in one request." },
    );
    this.method = method;
  }
}

/** The agent's answer does not have the shape of a response (or of a `hello` result). */
export class InvalidResponseError extends AgentClientError {
  /** The method whose answer could not be read. */
  readonly method: string;

  constructor(method: string, problem: string) {
    super("INVALID_RESPONSE", `could not read the agent's answer to \`${method}\`: ${problem}`, {
      remediation:
        "What listens on the socket may be another version of llm-agent, or no agent: compare `client.hello.agent_version` with the bundled binary's `llm-agent --version`.",
    });
    this.method = method;
  }
}

/**
 * A streamed call's reader fell further behind than the stream holds (docs in `chat.ts`):
 * the call was cancelled, and its stream and result fail with this.
 */
export class StreamOverflowError extends AgentClientError {
  readonly method: string;
  /** The unread text the stream held, in UTF-16 code units, when it gave up. */
  readonly limit: number;

  constructor(method: string, limit: number) {
    super("STREAM_OVERFLOW", `\`${method}\` streamed more unread text than the ${limit} characters a stream holds`, {
      remediation:
        "The agent sent more than its largest reply, which no agent of this version does: check that the socket is llm-agent's, and compare `client.hello.agent_version` with the bundled binary's `llm-agent --version`.",
    });
    this.method = method;
    this.limit = limit;
  }
}
