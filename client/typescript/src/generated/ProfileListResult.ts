// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { HealthSummary } from "./HealthSummary.js";
import type { LocalizedText } from "./LocalizedText.js";
import type { RedactedProfile } from "./RedactedProfile.js";
import type { SafeStorageStatus } from "./SafeStorageStatus.js";
import type { StoreStatus } from "./StoreStatus.js";

export type ProfileListResult = { 
/**
 * In creation order.
 */
profiles: Array<RedactedProfile>, active_id?: string, safe_storage: SafeStorageStatus, store: StoreStatus, 
/**
 * The revision of the state shown: subscribe with it as `since_revision` to learn
 * every change after this list. Zero from an agent older than state events.
 */
revision: number, 
/**
 * The health of each listed profile that has recorded outcomes, by profile id.
 */
health?: { [key in string]: HealthSummary }, 
/**
 * A short sentence per listed profile, for screen readers and status banners, by
 * profile id: what it is, where it runs, its model, whether a key is stored, how its
 * last test or call went. In the connection's language, with its message id. Only
 * when the params ask for them.
 */
accessible_summaries?: { [key in string]: LocalizedText }, 
/**
 * Time the agent spent on the answer, in microseconds, from decoding the params to
 * the last byte of the encoded response (last, so it can be written once known).
 */
elapsed_us: number, };
