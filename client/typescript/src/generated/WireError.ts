// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { ErrorCode } from "./ErrorCode.js";
import type { MessageArg } from "./MessageArg.js";

/**
 * The error object of a failed response.
 */
export type WireError = { code: ErrorCode, 
/**
 * What went wrong, for a person, in the connection's language.
 */
message: string, 
/**
 * The stable id of `message` (see `docs/messages.md`); absent only from an older agent.
 */
message_id?: string, 
/**
 * The arguments of `message`, by name.
 */
message_args?: { [key in string]: MessageArg }, 
/**
 * What to do about it, for a person, in the connection's language.
 */
remediation?: string, 
/**
 * The stable id of `remediation`.
 */
remediation_id?: string, 
/**
 * The arguments of `remediation`, by name.
 */
remediation_args?: { [key in string]: MessageArg }, 
/**
 * Whether the same request may succeed later.
 */
retryable: boolean, 
/**
 * Structured detail; its shape depends on the code.
 */
details?: unknown, };
