// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { DiagnosticsEvent } from "./DiagnosticsEvent.js";

export type QueryResult = { events: Array<DiagnosticsEvent>, 
/**
 * How many events matched the filters in the whole journal and ring, every page.
 */
matched: number, 
/**
 * Present when older matches remain: pass it as `cursor` for the page before.
 */
next_cursor?: string, };
