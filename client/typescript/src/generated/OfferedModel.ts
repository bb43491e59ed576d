// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

export type OfferedModel = { id: string, size_bytes?: number, context_length?: number, 
/**
 * Whether it is loaded in memory, when the server says.
 */
loaded?: boolean, quantization?: string, };
