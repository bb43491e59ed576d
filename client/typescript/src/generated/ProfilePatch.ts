// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { Patch } from "./Patch.js";
import type { ProfileMetadata } from "./ProfileMetadata.js";
import type { SecretText } from "./SecretText.js";

/**
 * Absent fields are kept. `api_key`: nil removes, a string replaces.
 * `consent_granted_at`: a string gives consent for the endpoint's origin; nil withdraws
 * it (the profile and its key stay, and calls to a remote endpoint are refused until
 * consent is given again). `metadata` replaces the whole metadata.
 */
export type ProfilePatch = { name?: string, provider?: string, endpoint?: string, model?: string, api_key?: Patch<SecretText>, consent_granted_at?: Patch<string>, metadata?: ProfileMetadata, };
