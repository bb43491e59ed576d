// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { SafeStorageState } from "./SafeStorageState.js";

export type SafeStorageStatus = { state: SafeStorageState, 
/**
 * Why, when the state is not `available`.
 */
reason?: string, 
/**
 * What to do about it, for a person.
 */
remediation?: string, };
