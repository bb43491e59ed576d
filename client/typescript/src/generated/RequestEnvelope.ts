// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

/**
 * A call from a client. `id` is chosen by the client and must be unique among its
 * requests in flight on the connection.
 */
export type RequestEnvelope = { id: number, method: string, params: unknown, correlation_id?: string, };
