// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

/**
 * The data of one delta frame of a `chat.run`: the next piece of the reply's text.
 * Pieces come in order; joined, they are the final response's `text`.
 */
export type ChatDelta = { text: string, };
