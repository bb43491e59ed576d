// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { Topic } from "./Topic.js";

export type SubscribeResult = { 
/**
 * Unique on this connection; names the subscription in event frames.
 */
subscription: number, topics: Array<Topic>, 
/**
 * With a state topic: the latest revision when the subscription started. Its live
 * events carry later ones.
 */
revision?: number, };
