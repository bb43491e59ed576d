//! The audit ledger: an append-only, durable, hash-chained record, apart from the
//! rotating diagnostics journal, of what a learner would be asked about later: consent
//! given and withdrawn (with the origin it covers), API keys set, replaced or cleared
//! (never their value or hint), endpoints moved to another origin, profiles created,
//! deleted and activated, and data-key resets.
//!
//! - [`chain`]: one line and its hash;
//! - [`ledger`]: the file, its bound and compaction, reconciliation and verification;
//! - [`writer`]: the thread that owns the file ([`LedgerThread`]; [`AuditLedger`] is
//!   its handle);
//! - [`error`]: why a ledger request failed, and its wire error.
//!
//! The vault is the ledger's only writer: a batch's entries are appended (and synced)
//! before `profiles.json` is written, and `profiles.json` then records the last one
//! ([`AuditHead`]). So no change reaches `profiles.json` without its entries, and a
//! ledger cut short, or a change whose write never happened, shows.

pub mod chain;
pub mod error;
pub mod ledger;
pub mod writer;

use llm_agent_protocol::methods::audit::{AuditEntry, AuditKind};
use serde::{Deserialize, Serialize};

pub use error::AuditError;
pub use writer::{AuditLedger, LedgerThread};

/// The directory of the ledger, under the data dir.
pub const DIR_NAME: &str = "audit";

/// The last entry of a ledger, as `profiles.json` records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditHead {
    pub seq: u64,
    pub hash: String,
}

/// An entry of `kind` with every optional field empty; the ledger fills in `seq`, `ts`,
/// `prev_hash` and `hash`.
pub fn entry(kind: AuditKind) -> AuditEntry {
    AuditEntry {
        seq: 0,
        ts: String::new(),
        kind,
        profile_id: None,
        origin: None,
        previous_origin: None,
        previous_profile_id: None,
        consent_granted_at: None,
        key_dropped: None,
        consent_dropped: None,
        count: None,
        from_seq: None,
        through_seq: None,
        kept: Vec::new(),
        prev_hash: String::new(),
        hash: String::new(),
    }
}
