// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

/**
 * Counters since start-up.
 */
export type Counters = { connections_accepted: number, connections_open: number, connections_refused: number, requests_total: number, requests_failed: number, requests_in_flight: number, diagnostics_events: number, actor_restarts: number, 
/**
 * Prompt tests running or queued now.
 */
prompt_tests_running: number, 
/**
 * `chat.run` calls running or queued now.
 */
chat_calls_running: number, };
