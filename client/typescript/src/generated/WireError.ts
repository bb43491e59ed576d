// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { ErrorCode } from "./ErrorCode.js";

/**
 * The error object of a failed response.
 */
export type WireError = { code: ErrorCode, 
/**
 * What went wrong, for a person.
 */
message: string, 
/**
 * What to do about it, for a person.
 */
remediation?: string, 
/**
 * Whether the same request may succeed later.
 */
retryable: boolean, 
/**
 * Structured detail; its shape depends on the code.
 */
details?: unknown, };
