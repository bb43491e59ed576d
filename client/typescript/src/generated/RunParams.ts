// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

export type RunParams = { 
/**
 * Base URLs (`http://host:port`) to probe besides the configured ones, this time
 * only. At most [`MAX_EXTRA_ENDPOINTS`].
 */
extra_endpoints?: Array<string>, 
/**
 * The whole sweep's budget, [`MIN_SWEEP_TIMEOUT_MS`] to [`MAX_SWEEP_TIMEOUT_MS`];
 * [`DEFAULT_SWEEP_TIMEOUT_MS`] when absent.
 */
timeout_ms?: number, };
