// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { SourceTotals } from "./SourceTotals.js";

/**
 * Counts and costs of model calls. Calls whose price is unknown count in `calls` and
 * the token counts, not in `cost_usd`.
 */
export type UsageTotals = { calls: number, input_tokens: number, output_tokens: number, 
/**
 * The sum of every known amount, in USD.
 */
cost_usd: number, 
/**
 * By where each price came from (`user`, `catalog`, `local`, `unknown`).
 */
by_source?: { [key in string]: SourceTotals }, };
