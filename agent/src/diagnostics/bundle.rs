//! The support bundle `diagnostics.export` writes: one JSON document for support staff,
//! built from an allow-list. Every field is a type of this module or an allow-listed
//! type of the protocol (the agent's status, diagnostics events, the ledger's
//! verification); a profile is reduced to facts (provider, model, origin, whether it has
//! a key and consent), never its name, notes, labels, key or hint. A secret, a prompt or
//! a reply has nowhere to go.
//!
//! The file is written beside its destination as a temp file (0600), synced, then
//! renamed into place, so a reader never sees half a bundle; without `overwrite` an
//! existing file is never replaced.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use llm_agent_protocol::events::DiagnosticsEvent;
use llm_agent_protocol::health::HealthSummary;
use llm_agent_protocol::methods::agent::AgentStatus;
use llm_agent_protocol::methods::audit::VerifyResult;
use llm_agent_protocol::methods::profiles::RedactedProfile;
use llm_agent_protocol::safe_storage::SafeStorageStatus;
use serde::Serialize;

use super::error::DiagnosticsError;
use crate::endpoint::Origin;
use crate::texts::messages;

/// The bundle's format version.
pub const BUNDLE_FORMAT: u32 = 1;

#[derive(Debug, Serialize)]
pub struct SupportBundle {
    pub bundle_format: u32,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub agent: AgentStatus,
    pub platform: Platform,
    pub safe_storage: SafeStorageStatus,
    pub settings: BundleSettings,
    pub profiles: Vec<ProfileFacts>,
    /// `audit.verify` at the time of the export.
    pub audit: VerifyResult,
    /// The time range of `events`, as asked for.
    pub range: TimeRange,
    /// Whether the range held more events than a bundle keeps (the newest are kept).
    pub events_truncated: bool,
    /// Oldest first.
    pub events: Vec<DiagnosticsEvent>,
}

/// The system the agent runs on, as Rust names it.
#[derive(Debug, Serialize)]
pub struct Platform {
    pub os: &'static str,
    pub family: &'static str,
    pub arch: &'static str,
}

impl Platform {
    pub fn current() -> Self {
        Self {
            os: std::env::consts::OS,
            family: std::env::consts::FAMILY,
            arch: std::env::consts::ARCH,
        }
    }
}

/// The learner's settings that shape what the agent does.
#[derive(Debug, Serialize)]
pub struct BundleSettings {
    pub discovery_enabled: bool,
    pub discovery_interval_s: u64,
    /// The origins of the extra hosts discovery probes.
    pub discovery_extra_origins: Vec<String>,
}

impl BundleSettings {
    pub fn new(enabled: bool, interval_s: u64, extra_endpoints: &[String]) -> Self {
        Self {
            discovery_enabled: enabled,
            discovery_interval_s: interval_s,
            discovery_extra_origins: extra_endpoints
                .iter()
                .filter_map(|endpoint| Origin::of(endpoint).map(|o| o.as_str().to_owned()))
                .collect(),
        }
    }
}

/// What support may know of a profile.
#[derive(Debug, Serialize)]
pub struct ProfileFacts {
    pub id: String,
    pub provider: String,
    pub model: String,
    /// `scheme://host:port` of its endpoint.
    pub origin: Option<String>,
    pub active: bool,
    pub has_api_key: bool,
    /// `granted`, `withdrawn` or `none`.
    pub consent: &'static str,
    pub health: Option<HealthSummary>,
}

impl ProfileFacts {
    pub fn of(profile: &RedactedProfile, health: Option<HealthSummary>) -> Self {
        let consent = match (&profile.consent_granted_at, &profile.consent_withdrawn_at) {
            (Some(_), _) => "granted",
            (None, Some(_)) => "withdrawn",
            (None, None) => "none",
        };
        Self {
            id: profile.id.clone(),
            provider: profile.provider.clone(),
            model: profile.model.clone(),
            origin: Origin::of(&profile.endpoint).map(|o| o.as_str().to_owned()),
            active: profile.active,
            has_api_key: profile.has_api_key,
            consent,
            health,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct TimeRange {
    pub since: Option<String>,
    pub until: Option<String>,
}

/// Checks where a bundle may go: an absolute path, in an existing folder, not a folder
/// itself, and not an existing file unless `overwrite`.
pub fn check_path(path: &str, overwrite: bool) -> Result<PathBuf, DiagnosticsError> {
    let bad = |reason| Err(DiagnosticsError::BadExportPath { reason });
    let path = PathBuf::from(path);
    if !path.is_absolute() {
        return bad(messages::bundle_path_not_absolute());
    }
    if path.file_name().is_none() {
        return bad(messages::bundle_path_no_file());
    }
    if !path.parent().is_some_and(Path::is_dir) {
        return bad(messages::bundle_path_no_folder());
    }
    if path.is_dir() {
        return bad(messages::bundle_path_is_folder());
    }
    if path.exists() && !overwrite {
        return bad(messages::bundle_path_exists());
    }
    Ok(path)
}

/// Writes `bundle` to `path` (blocking) and returns its size.
pub fn write(
    path: &Path,
    bundle: &SupportBundle,
    overwrite: bool,
) -> Result<u64, DiagnosticsError> {
    let failed = DiagnosticsError::ExportFailed;
    let dir = path.parent().ok_or(DiagnosticsError::BadExportPath {
        reason: messages::bundle_path_no_file(),
    })?;
    let temp = tempfile::Builder::new()
        .prefix(".llm-agent-bundle.")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(failed)?;
    {
        let mut out = BufWriter::new(temp.as_file());
        serde_json::to_writer_pretty(&mut out, bundle).map_err(|e| failed(io::Error::other(e)))?;
        out.write_all(b"\n").map_err(failed)?;
        out.flush().map_err(failed)?;
    }
    temp.as_file().sync_all().map_err(failed)?;
    let file = if overwrite {
        temp.persist(path)
    } else {
        temp.persist_noclobber(path)
    };
    let file = file.map_err(|e| match e.error.kind() {
        io::ErrorKind::AlreadyExists => DiagnosticsError::BadExportPath {
            reason: messages::bundle_path_exists(),
        },
        _ => failed(e.error),
    })?;
    crate::durable_file::sync_dir(dir).map_err(failed)?;
    file.metadata().map(|m| m.len()).map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_goes_only_where_it_may() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("bundle.json");
        let text = |p: &Path| p.display().to_string();
        assert!(check_path("relative.json", false).is_err());
        assert!(check_path(&text(&dir.path().join("missing/bundle.json")), false).is_err());
        assert!(check_path(&text(dir.path()), true).is_err());
        assert_eq!(check_path(&text(&target), false).unwrap(), target);
        std::fs::write(&target, b"old").unwrap();
        assert!(check_path(&text(&target), false).is_err());
        assert!(check_path(&text(&target), true).is_ok());
    }
}
