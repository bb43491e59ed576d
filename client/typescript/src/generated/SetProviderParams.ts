// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { Patch } from "./Patch.js";

export type SetProviderParams = { provider: string, 
/**
 * 1 to 32; nil returns to the shipped default.
 */
parallelism?: Patch<number>, };
