// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { CallClass } from "./CallClass.js";
import type { TestStage } from "./TestStage.js";
import type { TestTimings } from "./TestTimings.js";

/**
 * What a diagnostics event keeps of a model call: whose it was, how it queued, how far
 * it got, what it cost. Only numbers and names; never text.
 */
export type ModelCallRecord = { provider: string, 
/**
 * `tutor` or `infrastructure` when the call named a role.
 */
role?: string, class: CallClass, http_status?: number, attempts: number, streamed: boolean, stage: TestStage, timings: TestTimings, input_tokens?: number, output_tokens?: number, 
/**
 * USD, when the price is known.
 */
cost_usd?: number, 
/**
 * Where the price came from (`user`, `catalog`, `local`, `unknown`).
 */
cost_source?: string, };
