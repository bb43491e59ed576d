// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

/**
 * One model a server offers.
 */
export type ServerModel = { id: string, 
/**
 * The model's context window, in tokens, as the server reports it (Ollama's
 * `context_length`, vLLM's `max_model_len`, LM Studio's `max_context_length`).
 */
context_window?: number, 
/**
 * The context a request gets now, where the server says: llama.cpp's `n_ctx`,
 * LM Studio's loaded context, Ollama's `num_ctx` (its default of 4096 when the
 * model sets none).
 */
effective_context?: number, 
/**
 * Whether the model is loaded now, where the server says (LM Studio).
 */
loaded?: boolean, };
