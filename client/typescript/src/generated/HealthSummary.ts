// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

/**
 * What a badge needs to know of a profile's recent outcomes.
 */
export type HealthSummary = { 
/**
 * Outcomes in the history (at most [`MAX_HEALTH_OUTCOMES`]).
 */
outcomes: number, 
/**
 * RFC 3339: when the latest ended.
 */
last_at: string, 
/**
 * Whether the latest succeeded.
 */
last_success: boolean, 
/**
 * The latest's error code when it failed.
 */
last_code?: string, 
/**
 * RFC 3339: when the latest success in the history ended; absent when none did.
 */
last_success_at?: string, 
/**
 * The median latency of the successes in the history; absent when none succeeded.
 */
median_latency_ms?: number, };
