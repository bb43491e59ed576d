// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { CancelEnvelope } from "./CancelEnvelope.js";
import type { DeltaEnvelope } from "./DeltaEnvelope.js";
import type { EventEnvelope } from "./EventEnvelope.js";
import type { RequestEnvelope } from "./RequestEnvelope.js";
import type { ResponseEnvelope } from "./ResponseEnvelope.js";

/**
 * One message on the wire.
 */
export type Envelope = { "type": "request" } & RequestEnvelope | { "type": "response" } & ResponseEnvelope | { "type": "event" } & EventEnvelope | { "type": "cancel" } & CancelEnvelope | { "type": "delta" } & DeltaEnvelope;
