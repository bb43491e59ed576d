// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { CallClass } from "./CallClass.js";
import type { EstimatedCost } from "./EstimatedCost.js";
import type { TestTimings } from "./TestTimings.js";
import type { TokenUsage } from "./TokenUsage.js";

/**
 * The reply of a `chat.run`.
 */
export type ChatResult = { 
/**
 * The profile that was called (the role's, for a call by role).
 */
profile_id: string, 
/**
 * The role named, when the call named one.
 */
role?: string, class: CallClass, provider: string, 
/**
 * The model the profile names.
 */
requested_model: string, 
/**
 * The model that answered, as the provider reported it.
 */
model?: string, 
/**
 * The whole reply.
 */
text: string, 
/**
 * Why the model stopped (`stop`, `length`, `end_turn`, ...), as the provider said.
 */
finish_reason?: string, usage?: TokenUsage, 
/**
 * What the call cost; absent without usage.
 */
estimated_cost?: EstimatedCost, 
/**
 * Requests sent to the provider (more than one after retries).
 */
attempts: number, http_status: number, 
/**
 * Whether the reply came as a stream (else as one JSON body).
 */
streamed: boolean, timings: TestTimings, };
