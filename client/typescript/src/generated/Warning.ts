// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { MessageArg } from "./MessageArg.js";

/**
 * Something a successful change wants the learner to know.
 */
export type Warning = { 
/**
 * Machine-readable: `credentials_dropped`.
 */
code: string, 
/**
 * For a person, in the connection's language.
 */
message: string, 
/**
 * The stable message id of `message`.
 */
message_id?: string, message_args?: { [key in string]: MessageArg }, };
