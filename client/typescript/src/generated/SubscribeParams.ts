// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { Topic } from "./Topic.js";

export type SubscribeParams = { 
/**
 * At least one topic.
 */
topics: Array<Topic>, 
/**
 * The last revision the client saw, to resume the state topics from: the changes
 * after it come first, or one `resync` event when they are no longer held. Absent:
 * only changes from now on.
 */
since_revision?: number, };
