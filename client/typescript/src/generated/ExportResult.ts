// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

export type ExportResult = { 
/**
 * The file written.
 */
path: string, bytes: number, 
/**
 * Diagnostics events in the bundle.
 */
events: number, 
/**
 * Whether more events matched the range than a bundle holds (the newest were kept).
 */
truncated: boolean, };
