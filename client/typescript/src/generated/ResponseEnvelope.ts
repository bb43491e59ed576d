// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { WireError } from "./WireError.js";

/**
 * The answer to one request: exactly one of `result` and `error` is present.
 *
 * `id` is nil only when the agent could not read the id of the request it answers (for
 * example an undecodable frame); such a response is about the connection as a whole.
 */
export type ResponseEnvelope = { id: number | null, correlation_id: string, result?: unknown, error?: WireError, };
