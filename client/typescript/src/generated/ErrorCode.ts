// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

/**
 * A stable, machine-readable error code. A code this client does not know
 * (sent by a newer agent) is any other string: treat it as not retryable.
 */
export type ErrorCode = "INVALID_REQUEST" | "MALFORMED_FRAME" | "FRAME_TOO_LARGE" | "HANDSHAKE_REQUIRED" | "HANDSHAKE_TIMEOUT" | "UNSUPPORTED_PROTOCOL" | "METHOD_NOT_FOUND" | "INVALID_PARAMS" | "BUSY" | "CANCELLED" | "TIMEOUT" | "SHUTTING_DOWN" | "PERMISSION_DENIED" | "SUBSCRIPTION_NOT_FOUND" | "PROFILE_NOT_FOUND" | "VALIDATION_ERROR" | "NAME_CONFLICT" | "SUCCESSOR_REQUIRED" | "SUCCESSOR_NOT_FOUND" | "CONSENT_REQUIRED" | "SAFE_STORAGE_UNAVAILABLE" | "SAFE_STORAGE_KEY_MISSING" | "STORE_READ_ONLY" | "LIMIT_REACHED" | "STORAGE_FAILED" | "AUTH_FAILED" | "RATE_LIMITED" | "MODEL_NOT_FOUND" | "PROVIDER_ERROR" | "UNREACHABLE" | "TLS_ERROR" | "INVALID_RESPONSE" | "SPENDING_CAP_REACHED" | "INTERNAL" | (string & {});
