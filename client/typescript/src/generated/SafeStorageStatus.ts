// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { MessageArg } from "./MessageArg.js";
import type { SafeStorageState } from "./SafeStorageState.js";

export type SafeStorageStatus = { state: SafeStorageState, 
/**
 * Why, when the state is not `available`, for a person.
 */
reason?: string, 
/**
 * The stable message id of `reason`.
 */
reason_id?: string, reason_args?: { [key in string]: MessageArg }, 
/**
 * What to do about it, for a person.
 */
remediation?: string, 
/**
 * The stable message id of `remediation`.
 */
remediation_id?: string, remediation_args?: { [key in string]: MessageArg }, };
