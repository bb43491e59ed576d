// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

export type QueryParams = { correlation_id?: string, method?: string, 
/**
 * `OK` or an error code.
 */
result?: string, 
/**
 * 1 to [`MAX_QUERY_LIMIT`]; [`DEFAULT_QUERY_LIMIT`] when absent.
 */
limit?: number, };
