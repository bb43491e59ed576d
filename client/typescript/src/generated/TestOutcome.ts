// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { EstimatedCost } from "./EstimatedCost.js";
import type { TestStage } from "./TestStage.js";
import type { TestTimings } from "./TestTimings.js";
import type { TokenUsage } from "./TokenUsage.js";
import type { WireError } from "./WireError.js";

/**
 * How a prompt test went.
 */
export type TestOutcome = { profile_id: string, success: boolean, provider: string, 
/**
 * The model the profile names.
 */
requested_model: string, 
/**
 * The model that answered, as the provider reported it.
 */
model?: string, 
/**
 * The HTTP status of the last attempt, when one arrived.
 */
http_status?: number, 
/**
 * Requests sent to the provider (more than one after a `429`). Zero when the test
 * failed before sending anything.
 */
attempts: number, 
/**
 * Whether the reply came as a stream (else as one JSON body).
 */
streamed: boolean, 
/**
 * How far the last attempt got.
 */
stage: TestStage, timings: TestTimings, usage?: TokenUsage, 
/**
 * The start of the reply: control characters removed, whitespace collapsed, at most
 * [`MAX_SNIPPET_CHARS`] characters.
 */
snippet?: string, 
/**
 * Why the model stopped (`stop`, `length`, `end_turn`, ...), as the provider said.
 */
finish_reason?: string, 
/**
 * What the test cost, from its token usage and the model's prices (absent without
 * usage).
 */
estimated_cost?: EstimatedCost, 
/**
 * With `RATE_LIMITED`: how long the provider asked to wait.
 */
retry_after_ms?: number, 
/**
 * Present exactly when `success` is false. Codes: `TIMEOUT`, `AUTH_FAILED`,
 * `RATE_LIMITED`, `MODEL_NOT_FOUND`, `PROVIDER_ERROR`, `UNREACHABLE`, `TLS_ERROR`,
 * `INVALID_RESPONSE`, `CANCELLED` (the agent is shutting down).
 */
error?: WireError, };
