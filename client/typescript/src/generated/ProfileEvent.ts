// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { ProfileChange } from "./ProfileChange.js";
import type { RedactedProfile } from "./RedactedProfile.js";

/**
 * Payload of a `profiles` event.
 */
export type ProfileEvent = { revision: number, change: ProfileChange, profile_id: string, 
/**
 * The profile after the change; absent for `deleted`.
 */
profile?: RedactedProfile, 
/**
 * The active profile after the change; absent when none is.
 */
active_id?: string, 
/**
 * Whether this change made another profile active (or none).
 */
active_changed: boolean, 
/**
 * With `active_changed`: the profile active before, if one was.
 */
previous_active_id?: string, };
