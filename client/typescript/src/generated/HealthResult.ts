// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { HealthOutcome } from "./HealthOutcome.js";
import type { HealthSummary } from "./HealthSummary.js";

export type HealthResult = { profile_id: string, 
/**
 * At most [`MAX_HEALTH_OUTCOMES`](crate::health::MAX_HEALTH_OUTCOMES), oldest first.
 */
outcomes: Array<HealthOutcome>, 
/**
 * Absent while no outcome is recorded.
 */
summary?: HealthSummary, };
