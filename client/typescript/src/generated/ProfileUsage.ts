// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { UsageTotals } from "./UsageTotals.js";

export type ProfileUsage = { profile_id: string, totals: UsageTotals, daily_cap_usd?: number, 
/**
 * What the profile's calls cost today.
 */
today_usd: number, };
