// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

/**
 * What an entry records.
 */
export type AuditKind = "profile_created" | "profile_deleted" | "profile_activated" | "consent_given" | "consent_withdrawn" | "api_key_set" | "api_key_replaced" | "api_key_cleared" | "endpoint_moved" | "data_key_reset" | "credentials_voided" | "not_applied" | "entries_missing" | "compacted" | (string & {});
