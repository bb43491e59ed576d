// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { ProfileMetadata } from "./ProfileMetadata.js";

/**
 * A profile as every response shows it: without its API key.
 */
export type RedactedProfile = { 
/**
 * UUID, text form.
 */
id: string, name: string, 
/**
 * One of [`PROVIDERS`] (or a newer one).
 */
provider: string, endpoint: string, model: string, has_api_key: boolean, 
/**
 * The key's last 4 characters at most, as `...a1b2`; absent without a key.
 */
api_key_hint?: string, 
/**
 * RFC 3339; present when the learner agreed to remote calls for this endpoint.
 */
consent_granted_at?: string, 
/**
 * RFC 3339; present when the learner withdrew consent for this endpoint: every call
 * and test is refused with `CONSENT_REQUIRED` until consent is given again.
 */
consent_withdrawn_at?: string, 
/**
 * RFC 3339.
 */
created_at: string, 
/**
 * RFC 3339.
 */
updated_at: string, 
/**
 * Whether this is the active profile.
 */
active: boolean, metadata: ProfileMetadata, };
