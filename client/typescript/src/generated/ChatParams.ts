// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { ChatMessage } from "./ChatMessage.js";

export type ChatParams = { 
/**
 * The profile to call. Exactly one of `profile_id` and `role` is given.
 */
profile_id?: string, 
/**
 * One of [`ROLES`](super::catalog::ROLES), resolved to a profile when the call arrives.
 */
role?: string, 
/**
 * 1 to [`MAX_CHAT_MESSAGES`], in order; at least one is not `system`.
 */
messages: Array<ChatMessage>, 
/**
 * 1 to [`MAX_CHAT_MAX_TOKENS`]; absent: the model's own limit (Anthropic, which
 * needs one, gets [`DEFAULT_ANTHROPIC_MAX_TOKENS`]).
 */
max_tokens?: number, 
/**
 * 0 to [`MAX_TEMPERATURE`] (0 to 1 for Anthropic); absent: the model's default.
 */
temperature?: number, 
/**
 * Up to [`MAX_STOP_SEQUENCES`] sequences of 1 to [`MAX_STOP_CHARS`] characters.
 */
stop?: Array<string>, 
/**
 * 1 to [`MAX_CHAT_TIMEOUT_MS`]; [`DEFAULT_CHAT_TIMEOUT_MS`] when absent. The whole
 * deadline: the queue, every attempt and every backoff.
 */
timeout_ms?: number, 
/**
 * Whether to send the reply's text as delta frames while it streams.
 */
stream?: boolean, };
