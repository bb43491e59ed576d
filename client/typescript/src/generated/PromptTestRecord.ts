// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { TestStage } from "./TestStage.js";
import type { TestTimings } from "./TestTimings.js";

/**
 * What a diagnostics event keeps of a prompt test: where it got to and how long each
 * stage took. Only numbers and names this build chose; never text from the provider.
 */
export type PromptTestRecord = { 
/**
 * One of the profile providers (`ollama`, `openai`, ...).
 */
provider: string, http_status?: number, attempts: number, streamed: boolean, stage: TestStage, timings: TestTimings, input_tokens?: number, output_tokens?: number, };
