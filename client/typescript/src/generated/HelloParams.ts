// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { ClientInfo } from "./ClientInfo.js";

export type HelloParams = { 
/**
 * The protocol version the client speaks.
 */
protocol: number, client: ClientInfo, 
/**
 * The languages the client's user prefers, most preferred first, as BCP 47 tags
 * (`de-AT`, `es`). The agent renders every text of this connection in the best
 * match it has (`HelloResult::locale`), English when none matches.
 */
locales?: Array<string>, };
