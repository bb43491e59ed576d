// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

export type CatalogModel = { id: string, display_name: string, 
/**
 * Tokens, when known.
 */
context_window?: number, 
/**
 * USD per million tokens, when known.
 */
input_per_mtok?: number, output_per_mtok?: number, 
/**
 * USD per million input tokens read from the provider's prompt cache.
 */
cache_read_per_mtok?: number, 
/**
 * USD per million input tokens written to the provider's prompt cache.
 */
cache_write_per_mtok?: number, 
/**
 * `catalog` (shipped), `user` (the learner's edit), `local` (free: this machine) or
 * `unknown`.
 */
price_source: string, 
/**
 * `active` or `deprecated`.
 */
status: string, 
/**
 * When these figures were true (`YYYY-MM-DD`).
 */
as_of: string, 
/**
 * Whether the learner added or edited this model.
 */
edited: boolean, };
