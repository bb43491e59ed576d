// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { CatalogProvider } from "./CatalogProvider.js";

export type Catalog = { 
/**
 * The shipped catalog's date (`YYYY-MM-DD`).
 */
shipped_as_of: string, providers: Array<CatalogProvider>, };
