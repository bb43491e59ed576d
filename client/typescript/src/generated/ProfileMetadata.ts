// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

/**
 * Optional, bounded extra data of a profile.
 */
export type ProfileMetadata = { 
/**
 * At most 16 labels of 1 to 32 characters.
 */
labels?: Array<string>, 
/**
 * At most 1,000 characters.
 */
notes?: string, 
/**
 * Provider options, such as Azure's `deployment` and `api_version`. At most 16
 * entries; keys of 1 to 64 characters, values of at most 256.
 */
options?: { [key in string]: string }, };
