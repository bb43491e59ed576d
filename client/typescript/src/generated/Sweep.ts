// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { Finding } from "./Finding.js";
import type { ProbeError } from "./ProbeError.js";

/**
 * One sweep and what it found.
 */
export type Sweep = { 
/**
 * RFC 3339, when the sweep started.
 */
started_at: string, 
/**
 * `manual` (`discovery.run`) or `scheduled`.
 */
trigger: string, 
/**
 * One per server, however many addresses reach it.
 */
findings: Array<Finding>, 
/**
 * Probes that failed in a way worth showing: configured endpoints, and default
 * ports where something answered but could not be used.
 */
errors: Array<ProbeError>, 
/**
 * Every address probed (`host:port`).
 */
probed: Array<string>, elapsed_ms: number, budget_ms: number, };
