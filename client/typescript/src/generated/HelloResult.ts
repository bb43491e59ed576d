// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { ProtocolRange } from "./ProtocolRange.js";

export type HelloResult = { 
/**
 * The agent's version (semver).
 */
agent_version: string, 
/**
 * The protocol version in use on this connection.
 */
protocol: number, 
/**
 * The range of protocol versions the agent accepts.
 */
supported_protocols: ProtocolRange, 
/**
 * Method names the agent serves, then `topic:<name>` for each event topic.
 */
capabilities: Array<string>, 
/**
 * The largest frame body either side may send, in bytes.
 */
max_frame_len: number, 
/**
 * How many requests may be in flight on one connection before `BUSY`.
 */
max_in_flight: number, 
/**
 * The language this connection's texts are rendered in (`en`, `de`, `es`), chosen
 * from the hello's `locales`; absent from an agent older than localised messages.
 */
locale?: string, };
