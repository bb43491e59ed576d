// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

/**
 * A prompt test's cost, from its token usage and the model's prices.
 */
export type EstimatedCost = { 
/**
 * USD; absent when the price is unknown.
 */
amount_usd?: number, 
/**
 * One of [`PRICE_SOURCES`].
 */
source: string, 
/**
 * When the price was true (`YYYY-MM-DD`), when known.
 */
as_of?: string, };
