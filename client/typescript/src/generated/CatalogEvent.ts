// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { CatalogChange } from "./CatalogChange.js";
import type { CatalogProvider } from "./CatalogProvider.js";

/**
 * Payload of a `catalog` event.
 */
export type CatalogEvent = { revision: number, change: CatalogChange, 
/**
 * The edited provider as `catalog.list` now shows it, with all its models.
 */
provider: CatalogProvider, 
/**
 * The model edited, for the model edits.
 */
model?: string, };
