//! The agent's JSON files (`profiles.json`, `catalog.json`, `discovery.json`): the data
//! beside a `schema` version, read with that version checked, and replaced durably.
//!
//! A save writes a temp file in the same directory, fsyncs it, renames it over the old
//! file and fsyncs the directory: a crash at any instant leaves the old file or the new
//! one, never a mix. Temp files are named `.{name}.*.tmp`; a load first removes those an
//! interrupted save left behind. What a store does with a file it cannot trust (keep it
//! read-only, or fall back to defaults) is the store's own rule.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// One JSON file of the data dir, at one schema version.
#[derive(Debug, Clone)]
pub struct JsonFile {
    dir: PathBuf,
    name: &'static str,
    schema: u32,
}

/// What a load found.
#[derive(Debug)]
pub enum Loaded<T> {
    /// No file yet.
    Missing,
    /// A file of this schema version or an older one.
    Parsed { schema: u64, data: T },
    /// A file a newer agent wrote; `data` is what this build could read of it, if
    /// anything.
    Newer { schema: u64, data: Option<T> },
    /// Not JSON at all: the parser's reason.
    NotJson(String),
    /// JSON, but not this file's shape (or no schema version): why.
    BadShape(String),
}

#[derive(Serialize)]
struct FileOut<'a, T> {
    schema: u32,
    #[serde(flatten)]
    data: &'a T,
}

impl JsonFile {
    pub fn new(dir: &Path, name: &'static str, schema: u32) -> Self {
        JsonFile {
            dir: dir.to_owned(),
            name,
            schema,
        }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(self.name)
    }

    /// The schema version this build writes.
    pub fn schema(&self) -> u32 {
        self.schema
    }

    /// Reads the file (blocking), after removing leftovers of an interrupted save.
    /// Errors are those of reading it (other than its absence).
    pub fn load<T: DeserializeOwned>(&self) -> io::Result<Loaded<T>> {
        self.remove_leftover_temp_files();
        let bytes = match std::fs::read(self.path()) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Loaded::Missing),
            Err(e) => return Err(e),
        };
        let value: serde_json::Value = match serde_json::from_slice(&bytes) {
            Ok(value) => value,
            Err(e) => return Ok(Loaded::NotJson(e.to_string())),
        };
        let schema = value.get("schema").and_then(serde_json::Value::as_u64);
        let parsed = serde_json::from_value::<T>(value);
        Ok(match (schema, parsed) {
            (Some(schema), parsed) if schema > u64::from(self.schema) => Loaded::Newer {
                schema,
                data: parsed.ok(),
            },
            (Some(schema), Ok(data)) => Loaded::Parsed { schema, data },
            (Some(_), Err(e)) => Loaded::BadShape(e.to_string()),
            (None, _) => Loaded::BadShape("it has no schema version".to_owned()),
        })
    }

    /// Replaces the file with `data` at this build's schema version, durably (blocking).
    /// Returns once it is on disk.
    pub fn save<T: Serialize>(&self, data: &T) -> io::Result<()> {
        let json = serde_json::to_vec_pretty(&FileOut {
            schema: self.schema,
            data,
        })
        .map_err(io::Error::other)?;
        let mut temp = tempfile::Builder::new()
            .prefix(&self.temp_prefix())
            .suffix(TEMP_SUFFIX)
            .tempfile_in(&self.dir)?;
        temp.write_all(&json)?;
        temp.as_file().sync_all()?;
        temp.persist(self.path()).map_err(|e| e.error)?;
        sync_dir(&self.dir)
    }

    fn remove_leftover_temp_files(&self) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let prefix = self.temp_prefix();
        for entry in entries.flatten() {
            let file = entry.file_name();
            let file = file.to_string_lossy();
            if file.starts_with(&prefix) && file.ends_with(TEMP_SUFFIX) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }

    fn temp_prefix(&self) -> String {
        format!(".{}.", self.name)
    }
}

const TEMP_SUFFIX: &str = ".tmp";

/// Makes a rename in `dir` durable.
#[cfg(unix)]
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Windows has no directory handle to sync. `persist` renames with
/// `MoveFileExW(MOVEFILE_REPLACE_EXISTING)` but without write-through, so there a rename
/// acknowledged just before a power cut may be lost: to be settled with the Windows
/// credential store work.
#[cfg(not(unix))]
pub fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Data {
        value: u32,
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_saved_file_loads_back_with_its_schema_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let file = JsonFile::new(dir.path(), "data.json", 2);
        assert!(matches!(file.load::<Data>().unwrap(), Loaded::Missing));
        file.save(&Data { value: 7 }).unwrap();
        file.save(&Data { value: 8 }).unwrap();
        match file.load::<Data>().unwrap() {
            Loaded::Parsed { schema, data } => assert_eq!((schema, data), (2, Data { value: 8 })),
            other => panic!("{other:?}"),
        }
        let text = std::fs::read_to_string(file.path()).unwrap();
        assert!(
            text.trim_start().starts_with("{\n  \"schema\": 2"),
            "{text}"
        );
        assert_eq!(names(dir.path()), ["data.json"]);
    }

    #[test]
    fn newer_broken_and_unversioned_files_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let file = JsonFile::new(dir.path(), "data.json", 1);
        let write = |text: &str| std::fs::write(file.path(), text).unwrap();
        write(r#"{"schema": 3, "value": 1, "more": true}"#);
        assert!(matches!(
            file.load::<Data>().unwrap(),
            Loaded::Newer {
                schema: 3,
                data: Some(Data { value: 1 })
            }
        ));
        write(r#"{"schema": 3}"#);
        assert!(matches!(
            file.load::<Data>().unwrap(),
            Loaded::Newer {
                schema: 3,
                data: None
            }
        ));
        write("{\"schema\": 1, \"val");
        assert!(matches!(file.load::<Data>().unwrap(), Loaded::NotJson(_)));
        write(r#"{"schema": 1, "value": "x"}"#);
        assert!(matches!(file.load::<Data>().unwrap(), Loaded::BadShape(_)));
        write(r#"{"value": 1}"#);
        assert!(matches!(file.load::<Data>().unwrap(), Loaded::BadShape(_)));
    }

    #[test]
    fn leftovers_of_an_interrupted_save_are_removed_and_others_kept() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".data.json.abc123.tmp"), b"half").unwrap();
        std::fs::write(dir.path().join(".other.json.abc123.tmp"), b"not ours").unwrap();
        JsonFile::new(dir.path(), "data.json", 1)
            .load::<Data>()
            .unwrap();
        assert_eq!(names(dir.path()), [".other.json.abc123.tmp"]);
    }

    #[test]
    fn a_save_into_a_missing_dir_fails_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let gone = dir.path().join("gone");
        assert!(
            JsonFile::new(&gone, "data.json", 1)
                .save(&Data { value: 1 })
                .is_err()
        );
        assert!(!gone.exists());
    }
}
