// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { DayUsage } from "./DayUsage.js";
import type { ProfileUsage } from "./ProfileUsage.js";
import type { RoleUsage } from "./RoleUsage.js";
import type { UsageTotals } from "./UsageTotals.js";

export type UsageSummary = { from: string, to: string, 
/**
 * Today, UTC: the day caps apply to.
 */
today: string, total: UsageTotals, 
/**
 * Every profile with calls in the range or a cap.
 */
by_profile: Array<ProfileUsage>, 
/**
 * `tutor` and `infrastructure`, when calls named them.
 */
by_role: Array<RoleUsage>, 
/**
 * Days with calls, oldest first.
 */
by_day: Array<DayUsage>, };
