// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

/**
 * Stage timings in milliseconds (with microsecond precision). `connected_ms`,
 * `headers_ms`, `first_token_ms` and `completed_ms` count from the start of the last
 * attempt, so they measure the provider alone; a stage not reached is absent.
 * `queued_ms` is the wait for the provider's turn, `total_ms` everything from the
 * request's arrival to the answer (queue, every attempt, every backoff).
 */
export type TestTimings = { queued_ms: number, connected_ms?: number, headers_ms?: number, first_token_ms?: number, completed_ms?: number, total_ms: number, };
