// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { OutcomeKind } from "./OutcomeKind.js";

/**
 * One outcome. Numbers and codes only: never a prompt, a reply or a provider's message.
 */
export type HealthOutcome = { 
/**
 * RFC 3339, UTC: when it ended.
 */
at: string, kind: OutcomeKind, success: boolean, 
/**
 * The error code when it failed (`TIMEOUT`, `AUTH_FAILED`, ...).
 */
code?: string, 
/**
 * Milliseconds from the request's arrival to its end.
 */
latency_ms: number, 
/**
 * Milliseconds to the first token of the reply, when one arrived.
 */
first_token_ms?: number, };
