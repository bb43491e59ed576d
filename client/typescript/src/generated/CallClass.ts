// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

/**
 * Which queue a call waited in at its endpoint: `interactive` (the tutor, prompt
 * tests) goes before `background` (the `infrastructure` role).
 */
export type CallClass = "interactive" | "background" | (string & {});
