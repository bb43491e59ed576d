// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

/**
 * A field of a partial update with three states: absent keeps the value, `null`
 * clears it, a value replaces it. Never set such a field to `undefined`: leave it out.
 */
export type Patch<T> = T | null;
