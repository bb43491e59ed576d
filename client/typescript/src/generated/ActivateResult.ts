// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

export type ActivateResult = { active_id: string, previous_active_id?: string, 
/**
 * False when the profile was already active: nothing changed.
 */
changed: boolean, };
