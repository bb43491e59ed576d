// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

/**
 * What a diagnostics event records.
 */
export type DiagnosticsKind = "request" | "connection_refused" | "actor_restarted" | "agent_started" | "agent_stopping" | "store_read_only" | "prompt_test" | "discovery_sweep" | "model_call" | "spending_cap" | (string & {});
