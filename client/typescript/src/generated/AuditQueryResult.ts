// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { AuditEntry } from "./AuditEntry.js";

export type AuditQueryResult = { entries: Array<AuditEntry>, 
/**
 * How many entries matched, every page.
 */
matched: number, 
/**
 * Present when older matches remain.
 */
next_cursor?: number, };
