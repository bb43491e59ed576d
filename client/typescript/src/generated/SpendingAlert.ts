// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { AlertLevel } from "./AlertLevel.js";

/**
 * The data of a `usage` event: a profile's spending today reached 80% of its cap
 * (`level: warning`) or all of it (`level: reached`). Each is sent once per profile
 * and day.
 */
export type SpendingAlert = { profile_id: string, day: string, level: AlertLevel, daily_cap_usd: number, spent_usd: number, };
