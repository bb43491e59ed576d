// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

/**
 * Where the ledger stops being trustworthy, and why.
 */
export type VerifyProblem = { 
/**
 * 1-based line of `ledger.jsonl` (the line after the last one for a missing end).
 */
line: number, 
/**
 * The entry's seq when the line could be read.
 */
seq?: number, 
/**
 * Machine-readable: `unreadable`, `hash_mismatch`, `broken_chain`,
 * `kept_entry_missing`, `missing_end`.
 */
code: string, 
/**
 * What is wrong, for support staff.
 */
message: string, };
