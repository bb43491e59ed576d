// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { DiagnosticsKind } from "./DiagnosticsKind.js";

export type QueryParams = { correlation_id?: string, 
/**
 * The operation: the event's `method`.
 */
method?: string, 
/**
 * `OK` or an error code.
 */
result?: string, 
/**
 * 1 to [`MAX_QUERY_LIMIT`]; [`DEFAULT_QUERY_LIMIT`] when absent.
 */
limit?: number, 
/**
 * The profile an event was about.
 */
profile_id?: string, kind?: DiagnosticsKind, 
/**
 * RFC 3339: only events recorded at or after it.
 */
since?: string, 
/**
 * RFC 3339: only events recorded before it.
 */
until?: string, 
/**
 * A previous result's `next_cursor`: the page of matches before that one.
 */
cursor?: string, };
