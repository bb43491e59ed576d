// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

/**
 * The state of safe storage: the data key in the OS credential store that encrypts
 * every API key at rest.
 */
export type SafeStorageState = "available" | "not_initialized" | "unavailable" | "key_missing" | "unknown" | (string & {});
