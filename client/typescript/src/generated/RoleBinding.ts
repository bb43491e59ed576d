// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

export type RoleBinding = { 
/**
 * `tutor` (the active profile) or `infrastructure` (background tasks).
 */
role: string, 
/**
 * The profile the role uses now; absent when there is none.
 */
profile_id?: string, 
/**
 * `infrastructure` only: true while it follows the tutor (no profile of its own), so
 * the model already loaded is reused.
 */
same_as_tutor: boolean, };
