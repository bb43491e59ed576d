// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

/**
 * A pushed message on a subscription. `seq` counts from 1 per subscription, so a gap
 * means events were lost.
 */
export type EventEnvelope = { subscription: number, topic: string, seq: number, data: unknown, };
