// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { CatalogModel } from "./CatalogModel.js";

export type CatalogProvider = { 
/**
 * The provider's wire name (`openai`, `ollama`, ...).
 */
kind: string, display_name: string, 
/**
 * Where its server usually listens, or its public API.
 */
default_endpoint: string, requires_key: boolean, 
/**
 * Whether it runs on this machine (its models are priced `local`: free).
 */
local: boolean, 
/**
 * Requests that may go to one of its endpoints at once.
 */
parallelism: number, 
/**
 * Whether `parallelism` is the learner's setting (else the shipped default).
 */
parallelism_edited: boolean, 
/**
 * The model a new profile of this provider gets when it names none.
 */
default_model?: string, models: Array<CatalogModel>, };
