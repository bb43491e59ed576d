//! Discovery's settings in `<data dir>/discovery.json`: whether scheduled sweeps run, how
//! often, and the extra endpoints every sweep probes. Written atomically by the discovery
//! actor, its only writer.

use std::io;
use std::path::Path;

use crate::endpoint::BaseUrl;
use crate::json_file::{JsonFile, Loaded};
use crate::texts::{self, messages};
use llm_agent_protocol::methods::discovery::{
    MAX_EXTRA_ENDPOINTS, MAX_INTERVAL_S, MIN_INTERVAL_S, Settings,
};
use llm_agent_protocol::methods::profiles::FieldError;

/// The file's name in the data dir.
pub const FILE_NAME: &str = "discovery.json";
/// The file's schema version.
const SCHEMA_VERSION: u32 = 1;

/// Where the settings live.
#[derive(Debug, Clone)]
pub struct SettingsStore {
    file: JsonFile,
}

impl SettingsStore {
    pub fn new(dir: &Path) -> Self {
        SettingsStore {
            file: JsonFile::new(dir, FILE_NAME, SCHEMA_VERSION),
        }
    }

    /// The stored settings; the defaults when there are none. A file that cannot be read
    /// (corrupt, or from a newer agent) also gives the defaults, with a warning: these are
    /// preferences, not data, and the next `discovery.configure` replaces the file.
    pub fn load(&self) -> Settings {
        let path = self.file.path();
        match self.file.load::<Settings>() {
            Ok(Loaded::Missing) => Settings::default(),
            Ok(Loaded::Parsed { data, .. }) => match validate(data) {
                Ok(settings) => settings,
                Err(_) => {
                    tracing::warn!(path = %path.display(), "the discovery settings are out of range; using the defaults");
                    Settings::default()
                }
            },
            Ok(_) => {
                tracing::warn!(path = %path.display(), "the discovery settings cannot be read; using the defaults");
                Settings::default()
            }
            Err(err) => {
                tracing::warn!(path = %path.display(), error = %err, "cannot read the discovery settings; using the defaults");
                Settings::default()
            }
        }
    }

    /// Replaces the file durably (blocking).
    pub fn save(&self, settings: &Settings) -> io::Result<()> {
        self.file.save(settings)
    }
}

/// Checks settings, reporting every failing field; returns them normalized.
pub fn validate(settings: Settings) -> Result<Settings, Vec<FieldError>> {
    let mut problems = Vec::new();
    if !(MIN_INTERVAL_S..=MAX_INTERVAL_S).contains(&settings.interval_s) {
        problems.push(texts::field_error(
            "interval_s".into(),
            "invalid",
            messages::settings_interval(MIN_INTERVAL_S, MAX_INTERVAL_S, 300),
        ));
    }
    let endpoints = match check_endpoints(&settings.extra_endpoints, "extra_endpoints") {
        Ok(endpoints) => endpoints,
        Err(mut more) => {
            problems.append(&mut more);
            Vec::new()
        }
    };
    if problems.is_empty() {
        Ok(Settings {
            extra_endpoints: endpoints,
            ..settings
        })
    } else {
        Err(problems)
    }
}

/// Checks extra endpoints: at most [`MAX_EXTRA_ENDPOINTS`] base URLs by the one rule of
/// [`BaseUrl::parse`]. Returns them as the agent calls them, without duplicates.
pub fn check_endpoints(endpoints: &[String], field: &str) -> Result<Vec<String>, Vec<FieldError>> {
    let mut problems = Vec::new();
    if endpoints.len() > MAX_EXTRA_ENDPOINTS {
        problems.push(texts::field_error(
            field.into(),
            "too_long",
            messages::settings_too_many_endpoints(MAX_EXTRA_ENDPOINTS),
        ));
    }
    let mut kept: Vec<String> = Vec::new();
    for (i, endpoint) in endpoints.iter().enumerate() {
        match BaseUrl::parse(endpoint) {
            Ok(base) => {
                if !kept.contains(&base.text) {
                    kept.push(base.text);
                }
            }
            Err(_) => problems.push(texts::field_error(
                format!("{field}[{i}]"),
                "invalid",
                messages::settings_bad_endpoint(),
            )),
        }
    }
    if problems.is_empty() {
        Ok(kept)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_bad_files_give_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let store = SettingsStore::new(dir.path());
        assert_eq!(store.load(), Settings::default());
        let settings = Settings {
            enabled: false,
            interval_s: 60,
            extra_endpoints: vec!["http://192.168.1.20:11434".into()],
        };
        store.save(&settings).unwrap();
        assert_eq!(store.load(), settings);
        std::fs::write(dir.path().join(FILE_NAME), b"{not json").unwrap();
        assert_eq!(store.load(), Settings::default());
        std::fs::write(
            dir.path().join(FILE_NAME),
            br#"{"schema":99,"enabled":false,"interval_s":60}"#,
        )
        .unwrap();
        assert_eq!(
            store.load(),
            Settings::default(),
            "a newer schema is not guessed at"
        );
    }

    #[test]
    fn every_bad_field_is_reported() {
        let problems = validate(Settings {
            enabled: true,
            interval_s: 0,
            extra_endpoints: vec![
                "http://ok:1".into(),
                "ftp://x".into(),
                "http://user:pw@h:1".into(),
                "http://ok:1/".into(),
            ],
        })
        .unwrap_err();
        let fields: Vec<_> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            ["interval_s", "extra_endpoints[1]", "extra_endpoints[2]"]
        );
        let ok = validate(Settings {
            enabled: true,
            interval_s: 60,
            extra_endpoints: vec![" http://ok:1/ ".into(), "http://ok:1".into()],
        })
        .unwrap();
        assert_eq!(
            ok.extra_endpoints,
            ["http://ok:1"],
            "trimmed and deduplicated"
        );
    }
}
