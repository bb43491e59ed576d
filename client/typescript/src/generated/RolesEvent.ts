// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { RoleBinding } from "./RoleBinding.js";

/**
 * Payload of a `roles` event: every role as it is now.
 */
export type RolesEvent = { revision: number, roles: Array<RoleBinding>, };
