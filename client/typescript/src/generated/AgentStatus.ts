// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { Counters } from "./Counters.js";
import type { SafeStorageStatus } from "./SafeStorageStatus.js";
import type { StoreStatus } from "./StoreStatus.js";

export type AgentStatus = { version: string, protocol: number, pid: number, 
/**
 * RFC 3339, UTC.
 */
started_at: string, uptime_ms: number, socket: string, data_dir: string, counters: Counters, safe_storage: SafeStorageStatus, 
/**
 * Whether `profiles.json` can be written, and why not.
 */
store: StoreStatus, };
