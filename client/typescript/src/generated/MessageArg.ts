// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

/**
 * One argument of a message: text, or a number (a quantity to format as the
 * language writes it).
 */
export type MessageArg = string | number;
