// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

/**
 * Asks the agent to stop the request with this id. The request then answers `CANCELLED`
 * (or its result, if it finished first). Cancelling an unknown id does nothing.
 */
export type CancelEnvelope = { id: number, };
