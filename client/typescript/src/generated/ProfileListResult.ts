// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { RedactedProfile } from "./RedactedProfile.js";
import type { SafeStorageStatus } from "./SafeStorageStatus.js";
import type { StoreStatus } from "./StoreStatus.js";

export type ProfileListResult = { 
/**
 * In creation order.
 */
profiles: Array<RedactedProfile>, active_id?: string, safe_storage: SafeStorageStatus, store: StoreStatus, 
/**
 * Time the agent spent answering, in microseconds.
 */
elapsed_us: number, };
