// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.
import type { CatalogEvent } from "./CatalogEvent.js";
import type { DiagnosticsEvent } from "./DiagnosticsEvent.js";
import type { ProfileEvent } from "./ProfileEvent.js";
import type { RolesEvent } from "./RolesEvent.js";
import type { SafeStorageEvent } from "./SafeStorageEvent.js";
import type { SpendingAlert } from "./SpendingAlert.js";
import type { Sweep } from "./Sweep.js";

/** The payload (`data`) of each topic's events, by topic. */
export interface TopicData {
  "diagnostics": DiagnosticsEvent;
  "discovery": Sweep;
  "profiles": ProfileEvent;
  "safe_storage": SafeStorageEvent;
  "roles": RolesEvent;
  "catalog": CatalogEvent;
  "usage": SpendingAlert;
}
