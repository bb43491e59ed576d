// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { VerifyProblem } from "./VerifyProblem.js";

export type VerifyResult = { ok: boolean, 
/**
 * Lines read.
 */
entries: number, 
/**
 * The last entry's seq and hash.
 */
head_seq?: number, head_hash?: string, 
/**
 * The first problem found, when `ok` is false.
 */
problem?: VerifyProblem, };
