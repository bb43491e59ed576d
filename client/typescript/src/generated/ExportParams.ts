// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

export type ExportParams = { 
/**
 * An absolute path; its directory must exist. The file is written 0600.
 */
path: string, 
/**
 * RFC 3339: only events recorded at or after it.
 */
since?: string, 
/**
 * RFC 3339: only events recorded before it.
 */
until?: string, 
/**
 * Replace a file already at `path` (else that is refused).
 */
overwrite?: boolean, };
