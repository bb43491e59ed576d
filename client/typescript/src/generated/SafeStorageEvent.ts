// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { SafeStorageState } from "./SafeStorageState.js";
import type { SafeStorageStatus } from "./SafeStorageStatus.js";

/**
 * Payload of a `safe_storage` event.
 */
export type SafeStorageEvent = { revision: number, 
/**
 * The new state, with its reason and remediation.
 */
status: SafeStorageStatus, previous: SafeStorageState, };
