// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { ChatRole } from "./ChatRole.js";
import type { SecretText } from "./SecretText.js";

/**
 * One message of the conversation. Its text goes to the provider and nowhere else.
 */
export type ChatMessage = { role: ChatRole, content: SecretText, };
