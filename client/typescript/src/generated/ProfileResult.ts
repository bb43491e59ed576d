// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { RedactedProfile } from "./RedactedProfile.js";
import type { Warning } from "./Warning.js";

export type ProfileResult = { profile: RedactedProfile, active_id?: string, 
/**
 * Things the learner should know that did not stop the change.
 */
warnings?: Array<Warning>, };
