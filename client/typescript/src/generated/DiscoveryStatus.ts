// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { Settings } from "./Settings.js";
import type { Sweep } from "./Sweep.js";

export type DiscoveryStatus = { settings: Settings, last_sweep?: Sweep, 
/**
 * When the next scheduled sweep runs (RFC 3339); absent when the schedule is off.
 */
next_sweep_at?: string, 
/**
 * The current gap between scheduled sweeps: `interval_s`, lengthened (up to 4×)
 * while nothing changes.
 */
current_interval_s: number, };
