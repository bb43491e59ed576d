// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { MessageArg } from "./MessageArg.js";

/**
 * Whether the profile file can be written.
 */
export type StoreStatus = { writable: boolean, 
/**
 * Why not (a corrupt file, or one written by a newer agent), for a person.
 */
problem?: string, 
/**
 * The stable message id of `problem`.
 */
problem_id?: string, problem_args?: { [key in string]: MessageArg }, };
