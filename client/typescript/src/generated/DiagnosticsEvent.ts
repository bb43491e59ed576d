// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { DiagnosticsKind } from "./DiagnosticsKind.js";
import type { ModelCallRecord } from "./ModelCallRecord.js";
import type { PromptTestRecord } from "./PromptTestRecord.js";
import type { SafeStorageState } from "./SafeStorageState.js";

/**
 * One diagnostics event. Every field is allow-listed: there is no free-form text that
 * could carry a secret, a prompt or a reply.
 */
export type DiagnosticsEvent = { 
/**
 * Agent-wide sequence number since start-up.
 */
seq: number, 
/**
 * RFC 3339, UTC.
 */
ts: string, kind: DiagnosticsKind, correlation_id?: string, method?: string, 
/**
 * `OK` or an error code.
 */
result: string, duration_us: number, peer_pid?: number, peer_uid?: number, actor?: string, 
/**
 * The profile a profile operation was about.
 */
profile_id?: string, 
/**
 * Safe storage's state after a profile operation.
 */
safe_storage?: SafeStorageState, 
/**
 * With `prompt_test` events.
 */
prompt_test?: PromptTestRecord, 
/**
 * With `model_call` events.
 */
model_call?: ModelCallRecord, };
