// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { ProfileMetadata } from "./ProfileMetadata.js";
import type { SecretText } from "./SecretText.js";

export type CreateParams = { 
/**
 * 1 to 80 characters after trimming; unique regardless of case.
 */
name: string, provider: string, 
/**
 * Base URL, http or https, at most 512 characters.
 */
endpoint: string, 
/**
 * Empty or absent: the provider's default model from the catalog.
 */
model?: string, 
/**
 * Required by providers in [`PROVIDERS_REQUIRING_KEY`].
 */
api_key?: SecretText, 
/**
 * RFC 3339. Required when the endpoint is not on this machine.
 */
consent_granted_at?: string, metadata?: ProfileMetadata, };
