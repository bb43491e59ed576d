// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

/**
 * A piece of a streamed reply, sent before the request's one response (`chat.run` with
 * `stream: true`). `seq` counts from 1 per request; `data`'s shape is the method's. A
 * client gets delta frames only for a request that asked for them.
 */
export type DeltaEnvelope = { id: number, seq: number, data: unknown, };
