// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { SafeStorageStatus } from "./SafeStorageStatus.js";

export type ResetSecretsResult = { 
/**
 * Profiles whose key was dropped.
 */
cleared_ids: Array<string>, safe_storage: SafeStorageStatus, };
