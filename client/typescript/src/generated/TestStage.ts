// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

/**
 * How far a prompt test's last attempt got.
 */
export type TestStage = "queued" | "connecting" | "awaiting_headers" | "awaiting_first_token" | "streaming" | "complete" | (string & {});
