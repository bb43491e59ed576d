// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

/**
 * Which catalog edit a `catalog` event announces.
 */
export type CatalogChange = "model_upserted" | "model_deprecated" | "model_reactivated" | "default_model_set" | "provider_set" | (string & {});
