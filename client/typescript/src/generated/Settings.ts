// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

/**
 * Discovery's settings, kept in the data dir.
 */
export type Settings = { 
/**
 * Whether scheduled sweeps run (`discovery.run` always works).
 */
enabled: boolean, 
/**
 * [`MIN_INTERVAL_S`] to [`MAX_INTERVAL_S`].
 */
interval_s: number, 
/**
 * Base URLs probed by every sweep, scheduled ones included: the only hosts other
 * than this machine a scheduled sweep touches. At most [`MAX_EXTRA_ENDPOINTS`].
 */
extra_endpoints: Array<string>, };
