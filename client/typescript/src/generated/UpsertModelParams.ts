// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

export type UpsertModelParams = { provider: string, 
/**
 * 1 to 128 characters, no control characters.
 */
id: string, display_name?: string, context_window?: number, 
/**
 * USD per million tokens, 0 to 10,000.
 */
input_per_mtok?: number, output_per_mtok?: number, cache_read_per_mtok?: number, cache_write_per_mtok?: number, };
