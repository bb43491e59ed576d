// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { MessageArg } from "./MessageArg.js";

/**
 * One failing field of a create or update (`VALIDATION_ERROR` details are a list).
 */
export type FieldError = { 
/**
 * The field's path in the params (`endpoint`, `patch.name`, `metadata.labels[2]`).
 */
field: string, 
/**
 * Machine-readable: `required`, `too_long`, `invalid`, `unsupported`,
 * `not_allowed`, `consent_required`.
 */
code: string, 
/**
 * What to do, for a learner, in the connection's language.
 */
message: string, 
/**
 * The stable message id of `message`.
 */
message_id?: string, message_args?: { [key in string]: MessageArg }, };
