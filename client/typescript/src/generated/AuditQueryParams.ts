// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { AuditKind } from "./AuditKind.js";

export type AuditQueryParams = { profile_id?: string, kind?: AuditKind, 
/**
 * 1 to [`MAX_AUDIT_LIMIT`]; [`DEFAULT_AUDIT_LIMIT`] when absent.
 */
limit?: number, 
/**
 * A previous result's `next_cursor`: only entries with a lower `seq`.
 */
cursor?: number, };
