// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { MessageArg } from "./MessageArg.js";

/**
 * A probe that failed in a way worth showing.
 */
export type ProbeError = { endpoint: string, address?: string, 
/**
 * The kinds expected there (from the probe table), if any.
 */
expected: Array<string>, 
/**
 * `not_running`, `not_responding`, `needs_key`, `model_not_loaded`, `no_models`,
 * `not_recognised`, `invalid_endpoint`.
 */
remediation: string, message: string, 
/**
 * The stable message id of `message`.
 */
message_id?: string, message_args?: { [key in string]: MessageArg }, 
/**
 * What to do, for a person.
 */
hint: string, 
/**
 * The stable message id of `hint`.
 */
hint_id?: string, hint_args?: { [key in string]: MessageArg }, };
