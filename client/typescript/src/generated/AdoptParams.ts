// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

export type AdoptParams = { 
/**
 * The finding's `endpoint`.
 */
endpoint: string, 
/**
 * The finding's `kind` (the profile's provider).
 */
kind: string, 
/**
 * One of the finding's models; its first loaded (else first) model when absent.
 */
model?: string, 
/**
 * The profile's name; `"<Kind> on <address>"` when absent.
 */
name?: string, 
/**
 * RFC 3339: when the learner agreed to send prompts there. Required, as for
 * `profiles.create`, when the endpoint is not on this machine.
 */
consent_granted_at?: string, };
