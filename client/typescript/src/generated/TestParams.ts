// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { SecretText } from "./SecretText.js";

export type TestParams = { id: string, 
/**
 * 1 to [`MAX_TEST_PROMPT_CHARS`] characters; [`DEFAULT_TEST_PROMPT`] when absent. It
 * is sent to the provider and nowhere else: never logged, never stored.
 */
prompt?: SecretText, 
/**
 * 1 to [`MAX_TEST_TIMEOUT_MS`]; [`DEFAULT_TEST_TIMEOUT_MS`] when absent. Covers
 * everything: waiting for the provider's turn, every attempt and every backoff.
 */
timeout_ms?: number, };
