// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { ServerModel } from "./ServerModel.js";

export type ModelsResult = { profile_id: string, provider: string, 
/**
 * As the server lists them, at most [`MAX_LISTED_MODELS`].
 */
models: Array<ServerModel>, 
/**
 * Whether the profile's own model is among them.
 */
offers_profile_model: boolean, 
/**
 * RFC 3339: when the server was asked.
 */
fetched_at: string, 
/**
 * Whether this answer came from the cache.
 */
cached: boolean, };
