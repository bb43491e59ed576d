// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

/**
 * Payload of a `resync` event: re-read the state (`profiles.list`, `roles.get`,
 * `catalog.list`); the subscription's events carry on after `revision`.
 */
export type Resync = { 
/**
 * The latest revision when the subscription started.
 */
revision: number, };
