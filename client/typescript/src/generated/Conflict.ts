// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { MessageArg } from "./MessageArg.js";

/**
 * A profile that disagrees with a finding.
 */
export type Conflict = { profile_id: string, 
/**
 * `kind_mismatch` (the profile names another kind at this endpoint),
 * `model_not_offered`, `port_moved` (the profile's kind was found on another port),
 * `key_required` (the server now wants a key the profile lacks).
 */
class: string, message: string, 
/**
 * The stable message id of `message`.
 */
message_id?: string, message_args?: { [key in string]: MessageArg }, remediation: string, 
/**
 * The stable message id of `remediation`.
 */
remediation_id?: string, remediation_args?: { [key in string]: MessageArg }, };
