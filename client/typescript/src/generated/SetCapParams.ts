// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

export type SetCapParams = { profile_id: string, 
/**
 * More than 0 and at most [`MAX_DAILY_CAP_USD`]; nil removes the cap. Required in
 * TypeScript, where leaving a field out must never be what removes a cap.
 */
daily_cap_usd: number | null, };
