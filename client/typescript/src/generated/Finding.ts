// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { Conflict } from "./Conflict.js";
import type { MessageArg } from "./MessageArg.js";
import type { OfferedModel } from "./OfferedModel.js";

/**
 * A server found by a sweep.
 */
export type Finding = { 
/**
 * The provider a profile would use (`ollama`, `lm_studio`, ..., or
 * `openai_compatible` for an OpenAI-shaped server of no known kind).
 */
kind: string, 
/**
 * The base URL a profile would use (with `/v1` for OpenAI-compatible kinds).
 */
endpoint: string, 
/**
 * `host:port` of the first address that reached it.
 */
address: string, port: number, 
/**
 * Other addresses that reach the same server (`[::1]:11434`).
 */
also_reachable_at: Array<string>, version?: string, models: Array<OfferedModel>, 
/**
 * The identifying probe's round trip.
 */
latency_ms: number, 
/**
 * The server refused to list models without a key (401/403).
 */
auth_required: boolean, 
/**
 * Set when the server is found but not ready: `needs_key`, `model_not_loaded`,
 * `no_models`.
 */
remediation?: string, 
/**
 * What to do, for a person, with `remediation`.
 */
hint?: string, 
/**
 * The stable message id of `hint`.
 */
hint_id?: string, hint_args?: { [key in string]: MessageArg }, 
/**
 * Existing profiles that disagree with this server.
 */
conflicts: Array<Conflict>, };
