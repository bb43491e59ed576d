//! `profiles.json`: the durable copy of the vault, written atomically.
//!
//! A write goes to a temp file in the same directory, is fsynced, renamed over the old
//! file, and the directory is fsynced; a crash at any instant leaves the old file or
//! the new one, never a mix. A file this build cannot fully trust (corrupt, or written
//! by a newer agent) is never overwritten: the vault serves what it could read and
//! refuses writes.

use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::profile::VaultData;

/// The schema this build reads and writes.
pub const SCHEMA_VERSION: u32 = 1;
pub const FILE_NAME: &str = "profiles.json";

#[derive(Serialize)]
struct FileOut<'a> {
    schema: u32,
    #[serde(flatten)]
    data: &'a VaultData,
}

/// The file's data; its `schema` is read (and checked) before this is.
#[derive(Deserialize)]
struct FileIn {
    #[serde(flatten)]
    data: VaultData,
}

/// What start-up found.
#[derive(Debug)]
pub enum Loaded {
    /// No file yet.
    Fresh,
    /// A file this build owns.
    Ready(VaultData),
    /// A file to keep untouched: `data` is what could be read (possibly nothing).
    ReadOnly { data: VaultData, problem: String },
}

#[derive(Debug, Clone)]
pub struct ProfileStore {
    dir: PathBuf,
}

impl ProfileStore {
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_owned(),
        }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    /// Reads the file (blocking). Leftover temp files of an interrupted write are removed.
    pub fn load(&self) -> io::Result<Loaded> {
        crate::json_file::remove_leftover_temp_files(&self.dir, FILE_NAME);
        let bytes = match std::fs::read(self.path()) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Loaded::Fresh),
            Err(e) => return Err(e),
        };
        let value: serde_json::Value = match serde_json::from_slice(&bytes) {
            Ok(value) => value,
            Err(e) => {
                return Ok(Loaded::ReadOnly {
                    data: VaultData::new(),
                    problem: format!(
                        "{} is not valid JSON ({e}); it was kept as it is. Restore it from a backup, or move it away to start with no profiles.",
                        self.path().display()
                    ),
                });
            }
        };
        let schema = value.get("schema").and_then(serde_json::Value::as_u64);
        let parsed = serde_json::from_value::<FileIn>(value);
        match (schema, parsed) {
            (Some(schema), Ok(file)) if schema == u64::from(SCHEMA_VERSION) => {
                Ok(Loaded::Ready(file.data))
            }
            (Some(schema), parsed) if schema > u64::from(SCHEMA_VERSION) => Ok(Loaded::ReadOnly {
                data: parsed.map(|file| file.data).unwrap_or_default(),
                problem: format!(
                    "{} was written by a newer llm-agent (schema {schema}, this one knows {SCHEMA_VERSION}); it is read-only here. Update llm-agent.",
                    self.path().display()
                ),
            }),
            (_, parsed) => Ok(Loaded::ReadOnly {
                data: VaultData::new(),
                problem: format!(
                    "{} has an unexpected shape ({}); it was kept as it is. Restore it from a backup, or move it away to start with no profiles.",
                    self.path().display(),
                    parsed
                        .err()
                        .map_or_else(|| "unknown schema".to_owned(), |e| e.to_string())
                ),
            }),
        }
    }

    /// Replaces the file with `data`, durably (blocking). Returns once it is on disk.
    pub fn save(&self, data: &VaultData) -> io::Result<()> {
        let json = serde_json::to_vec_pretty(&FileOut {
            schema: SCHEMA_VERSION,
            data,
        })
        .map_err(io::Error::other)?;
        crate::json_file::replace_durably(&self.dir, FILE_NAME, &json)
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
                assert!(problem.contains("not valid JSON"), "{problem}");
            }
            other => panic!("{other:?}"),
        }
        let newer = VaultData::new();
        let mut json = serde_json::to_value(FileOut {
            schema: 1,
            data: &newer,
        })
        .unwrap();
        json["schema"] = 7.into();
        json["from_the_future"] = true.into();
        std::fs::write(store.path(), serde_json::to_vec(&json).unwrap()).unwrap();
        match store.load().unwrap() {
            Loaded::ReadOnly { data, problem } => {
                assert_eq!(data.vault_id, newer.vault_id, "serves what it can read");
                assert!(problem.contains("newer"), "{problem}");
            }
            other => panic!("{other:?}"),
        }
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
