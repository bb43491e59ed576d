//! `audit.*`: the audit ledger, an append-only, hash-chained record of what a learner
//! would be asked about later: consent given and withdrawn (with the origin it covers),
//! API keys set, replaced or cleared (never their value or hint), endpoints moved to
//! another origin, profiles created, deleted and activated, and data-key resets.

use serde::{Deserialize, Serialize};

use super::{Method, NoParams};

/// The default number of entries a query returns.
pub const DEFAULT_AUDIT_LIMIT: u32 = 100;
/// The most entries one query returns.
pub const MAX_AUDIT_LIMIT: u32 = 1000;
/// The most entries the ledger keeps before compaction drops the oldest (the latest
/// consent entry of each existing profile is always kept).
pub const MAX_AUDIT_ENTRIES: usize = 20_000;

/// What an entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "snake_case")]
pub enum AuditKind {
    ProfileCreated,
    ProfileDeleted,
    /// `previous_profile_id`: the profile active before.
    ProfileActivated,
    /// `origin`: where the learner agreed prompts may go; `consent_granted_at`: when.
    ConsentGiven,
    /// `origin`: the origin the withdrawn consent covered.
    ConsentWithdrawn,
    /// `origin`: where the key may be sent.
    ApiKeySet,
    ApiKeyReplaced,
    ApiKeyCleared,
    /// `previous_origin` to `origin`; `key_dropped` and `consent_dropped` say what the
    /// move removed.
    EndpointMoved,
    /// The data key was forgotten and every unreadable key dropped; `count` keys.
    DataKeyReset,
    /// `profiles.json` was edited to point a profile at `origin`, away from
    /// `previous_origin` that its key and consent were given for: they were voided.
    CredentialsVoided,
    /// The entries `from_seq` to `through_seq` describe a change that never reached
    /// `profiles.json` (the agent stopped, or the write failed, between the two).
    NotApplied,
    /// `profiles.json` records entries up to `through_seq`, but the ledger ended at
    /// `from_seq - 1` when the agent started: entries were removed from its end.
    EntriesMissing,
    /// The first line after a compaction: `count` older entries were dropped; `kept`
    /// lists the older entries kept (the latest consent of each profile).
    Compacted,
    /// A kind this build does not know (written by a newer agent).
    #[serde(other)]
    #[cfg_attr(feature = "ts", ts(untagged, type = "(string & {})"))]
    Unknown,
}

/// An older entry a compaction kept, as the `compacted` line lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct KeptEntry {
    pub seq: u64,
    pub hash: String,
}

/// One ledger entry, as `ledger.jsonl` holds it. Every field is allow-listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct AuditEntry {
    /// 1 upwards, never reused.
    pub seq: u64,
    /// RFC 3339, UTC.
    pub ts: String,
    pub kind: AuditKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_id: Option<String>,
    /// `scheme://host:port`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_origin: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_profile_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_granted_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_dropped: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_dropped: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_seq: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub through_seq: Option<u64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub kept: Vec<KeptEntry>,
    /// The `hash` of the entry before it (64 zeros for the first).
    pub prev_hash: String,
    /// SHA-256 (lowercase hex) of the entry's line up to this field, which is its last.
    /// (Empty only while the agent computes it: an empty hash is not written.)
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub hash: String,
}

/// Pages through the ledger: the newest entries that match, oldest first.
pub enum Query {}

impl Method for Query {
    const NAME: &'static str = "audit.query";
    type Params = QueryParams;
    type Result = QueryResult;
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(optional_fields, rename = "AuditQueryParams")
)]
pub struct QueryParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<AuditKind>,
    /// 1 to [`MAX_AUDIT_LIMIT`]; [`DEFAULT_AUDIT_LIMIT`] when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// A previous result's `next_cursor`: only entries with a lower `seq`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(optional_fields, rename = "AuditQueryResult")
)]
pub struct QueryResult {
    pub entries: Vec<AuditEntry>,
    /// How many entries matched, every page.
    pub matched: u64,
    /// Present when older matches remain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<u64>,
}

/// Checks the whole ledger: every line's hash, every link to the line before, the
/// entries a compaction kept, and that it ends where `profiles.json` says it does.
pub enum Verify {}

impl Method for Verify {
    const NAME: &'static str = "audit.verify";
    type Params = NoParams;
    type Result = VerifyResult;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct VerifyResult {
    pub ok: bool,
    /// Lines read.
    pub entries: u64,
    /// The last entry's seq and hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_seq: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_hash: Option<String>,
    /// The first problem found, when `ok` is false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<VerifyProblem>,
}

/// Where the ledger stops being trustworthy, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct VerifyProblem {
    /// 1-based line of `ledger.jsonl` (the line after the last one for a missing end).
    pub line: u64,
    /// The entry's seq when the line could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
    /// Machine-readable: `unreadable`, `hash_mismatch`, `broken_chain`,
    /// `kept_entry_missing`, `missing_end`.
    pub code: String,
    /// What is wrong, for support staff.
    pub message: String,
}
