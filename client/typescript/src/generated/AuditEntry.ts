// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { AuditKind } from "./AuditKind.js";
import type { KeptEntry } from "./KeptEntry.js";

/**
 * One ledger entry, as `ledger.jsonl` holds it. Every field is allow-listed.
 */
export type AuditEntry = { 
/**
 * 1 upwards, never reused.
 */
seq: number, 
/**
 * RFC 3339, UTC.
 */
ts: string, kind: AuditKind, profile_id?: string, 
/**
 * `scheme://host:port`.
 */
origin?: string, previous_origin?: string, previous_profile_id?: string, consent_granted_at?: string, key_dropped?: boolean, consent_dropped?: boolean, count?: number, from_seq?: number, through_seq?: number, kept?: Array<KeptEntry>, 
/**
 * The `hash` of the entry before it (64 zeros for the first).
 */
prev_hash: string, 
/**
 * SHA-256 (lowercase hex) of the entry's line up to this field, which is its last.
 * (Empty only while the agent computes it: an empty hash is not written.)
 */
hash?: string, };
