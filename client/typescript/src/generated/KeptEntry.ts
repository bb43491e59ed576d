// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

/**
 * An older entry a compaction kept, as the `compacted` line lists it.
 */
export type KeptEntry = { seq: number, hash: string, };
