// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { MessageArg } from "./MessageArg.js";

/**
 * A text new to the protocol: rendered, with its message id and arguments.
 */
export type LocalizedText = { 
/**
 * The text in the connection's language.
 */
text: string, 
/**
 * The stable message id of `text`.
 */
text_id: string, 
/**
 * The arguments of `text`, by name.
 */
text_args?: { [key in string]: MessageArg }, };
