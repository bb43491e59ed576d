//! `profiles.json`: the durable copy of the vault, a [`JsonFile`] (written atomically,
//! see there). A file this build cannot fully trust (corrupt, or written by a newer
//! agent) is never overwritten: the vault serves what it could read and refuses writes.
//!
//! Schema 2 records the origin of each key and consent; a schema-1 file is read as
//! schema 2 with the origins of its endpoints ([`binding::adopt_schema_1`]), keys kept,
//! and is written as schema 2 by the next change.

use llm_agent_l10n::Text;

use crate::texts::messages;
use std::io;
use std::path::{Path, PathBuf};

use super::binding;
use super::profile::VaultData;
use crate::json_file::{JsonFile, Loaded as File};

/// The schema this build writes.
pub const SCHEMA_VERSION: u32 = 2;
/// The oldest schema this build reads (and migrates on load).
const OLDEST_SCHEMA: u64 = 1;
pub const FILE_NAME: &str = "profiles.json";

/// What start-up found.
#[derive(Debug)]
pub enum Loaded {
    /// No file yet.
    Fresh,
    /// A file this build owns.
    Ready(VaultData),
    /// A file to keep untouched: `data` is what could be read (possibly nothing).
    ReadOnly { data: VaultData, problem: Text },
}

#[derive(Debug, Clone)]
pub struct ProfileStore {
    file: JsonFile,
}

impl ProfileStore {
    pub fn new(dir: &Path) -> Self {
        Self {
            file: JsonFile::new(dir, FILE_NAME, SCHEMA_VERSION),
        }
    }

    pub fn path(&self) -> PathBuf {
        self.file.path()
    }

    /// Reads the file (blocking). Leftover temp files of an interrupted write are removed.
    pub fn load(&self) -> io::Result<Loaded> {
        let path = self.path().display().to_string();
        let read_only = |data, problem| Ok(Loaded::ReadOnly { data, problem });
        match self.file.load::<VaultData>()? {
            File::Missing => Ok(Loaded::Fresh),
            File::Parsed { schema, data } if schema == u64::from(SCHEMA_VERSION) => {
                Ok(Loaded::Ready(data))
            }
            File::Parsed { schema, mut data } if schema == OLDEST_SCHEMA => {
                binding::adopt_schema_1(&mut data);
                Ok(Loaded::Ready(data))
            }
            File::Parsed { .. } => read_only(
                VaultData::new(),
                messages::store_unknown_schema(path.as_str()),
            ),
            File::Newer { schema, data } => read_only(
                data.unwrap_or_default(),
                messages::store_newer(path.as_str(), schema, SCHEMA_VERSION),
            ),
            File::NotJson(e) => read_only(
                VaultData::new(),
                messages::store_not_json(path.as_str(), e.to_string()),
            ),
            File::BadShape(e) => read_only(
                VaultData::new(),
                messages::store_bad_shape(path.as_str(), e.to_string()),
            ),
        }
    }

    /// Replaces the file with `data`, durably (blocking). Returns once it is on disk.
    pub fn save(&self, data: &VaultData) -> io::Result<()> {
        self.file.save(data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_vault_loads_back_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::new(dir.path());
        assert!(matches!(store.load().unwrap(), Loaded::Fresh));
        let data = VaultData::new();
        store.save(&data).unwrap();
        store.save(&data).unwrap();
        match store.load().unwrap() {
            Loaded::Ready(back) => assert_eq!(back, data),
            other => panic!("{other:?}"),
        }
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [FILE_NAME]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(store.path())
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn corrupt_and_newer_files_are_read_only_and_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::new(dir.path());
        std::fs::write(store.path(), b"{\"schema\": 1, \"profi").unwrap();
        match store.load().unwrap() {
            Loaded::ReadOnly { data, problem } => {
                assert!(data.profiles.is_empty());
                assert_eq!(problem.id(), "store_not_json");
            }
            other => panic!("{other:?}"),
        }
        let newer = VaultData::new();
        store.save(&newer).unwrap();
        assert!(matches!(store.load().unwrap(), Loaded::Ready(_)));
        let mut json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(store.path()).unwrap()).unwrap();
        json["schema"] = 7.into();
        json["from_the_future"] = true.into();
        std::fs::write(store.path(), serde_json::to_vec(&json).unwrap()).unwrap();
        match store.load().unwrap() {
            Loaded::ReadOnly { data, problem } => {
                assert_eq!(data.vault_id, newer.vault_id, "serves what it can read");
                assert_eq!(problem.id(), "store_newer");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_schema_1_file_loads_with_its_keys_bound_to_their_origins() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::new(dir.path());
        let v1 = r#"{"schema": 1, "vault_id": "999d4c60-4343-47b1-812c-c3c47e2f36a1",
            "active_id": "27ee4122-69ce-476f-807b-5ff45b1348ad",
            "profiles": [{"id": "27ee4122-69ce-476f-807b-5ff45b1348ad", "name": "GPT",
                "provider": "openai", "endpoint": "https://api.openai.com/v1",
                "model": "gpt-4o-mini",
                "api_key": {"nonce": "n", "ciphertext": "c"}, "api_key_hint": "...a1b2",
                "consent_granted_at": "2026-11-21T09:00:00Z",
                "created_at": "2026-11-21T21:53:19Z", "updated_at": "2026-11-21T21:53:19Z"}]}"#;
        std::fs::write(store.path(), v1).unwrap();
        let Loaded::Ready(data) = store.load().unwrap() else {
            panic!("a schema-1 file is this build's to write");
        };
        let profile = &data.profiles[0];
        let key = profile.api_key.as_ref().unwrap();
        assert_eq!(
            (key.version, key.origin.as_deref()),
            (1, Some("https://api.openai.com:443"))
        );
        assert_eq!(
            profile.consent_origin.as_deref(),
            Some("https://api.openai.com:443")
        );
        store.save(&data).unwrap();
        let text = std::fs::read_to_string(store.path()).unwrap();
        assert!(text.contains("\"schema\": 2"), "{text}");
    }

    #[test]
    fn leftovers_of_an_interrupted_write_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let leftover = dir.path().join(".profiles.json.abc123.tmp");
        std::fs::write(&leftover, b"half").unwrap();
        ProfileStore::new(dir.path()).load().unwrap();
        assert!(!leftover.exists());
    }
}
