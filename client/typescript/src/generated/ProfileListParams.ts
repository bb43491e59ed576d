// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

export type ProfileListParams = { 
/**
 * Only profiles of this provider.
 */
provider?: string, 
/**
 * Also an accessible summary of each listed profile (`accessible_summaries`). Off
 * by default: the summaries double the answer's size, which every list would pay.
 */
accessible_summaries?: boolean, };
