//! `revision.json`: the floor every revision of this run lies above, so that no revision
//! is ever handed out twice, across restarts and crashes included.
//!
//! Revisions are numbered in memory and most changes they number are never written here
//! (a safe-storage state, a profile change written to `profiles.json`). Instead each run
//! reserves a block: at start-up it reads the floor `F`, writes `F + RESERVE` durably
//! before it hands out any revision, and numbers its changes from `F + 1`. A run that
//! uses up its block reserves the next one. A restarted agent therefore starts above
//! every revision any client can have seen, however the last run ended, and a client
//! that resumes from a revision of an earlier run is told to re-read (its revision is
//! older than anything this run holds).

use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::json_file::{JsonFile, Loaded};

pub const FILE_NAME: &str = "revision.json";
const SCHEMA_VERSION: u32 = 1;
/// Revisions reserved at a time. A run rarely makes more than a few thousand changes, so
/// one write at start-up is the usual cost; the numbers stay far below 2^53 (exact in a
/// JavaScript number) for billions of restarts.
pub const RESERVE: u64 = 1_000_000;

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
struct Floor {
    floor: u64,
}

/// The durable floor of revisions.
#[derive(Debug, Clone)]
pub struct RevisionFloor {
    file: JsonFile,
}

impl RevisionFloor {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            file: JsonFile::new(data_dir, FILE_NAME, SCHEMA_VERSION),
        }
    }

    /// Reads the floor (blocking); a missing file is 0. An unreadable or foreign file is
    /// reported, and the caller decides (the agent starts from 0 with a warning: the
    /// only risk is a revision a client saw in an earlier run being reused).
    pub fn load(&self) -> Result<u64, String> {
        match self.file.load::<Floor>() {
            Ok(Loaded::Missing) => Ok(0),
            Ok(Loaded::Parsed { data, .. }) => Ok(data.floor),
            Ok(Loaded::Newer {
                data: Some(data), ..
            }) => Ok(data.floor),
            Ok(Loaded::Newer { data: None, schema }) => Err(format!(
                "{} was written by a newer llm-agent (schema {schema})",
                self.file.path().display()
            )),
            Ok(Loaded::NotJson(e) | Loaded::BadShape(e)) => {
                Err(format!("{} is damaged ({e})", self.file.path().display()))
            }
            Err(e) => Err(format!(
                "{} cannot be read ({e})",
                self.file.path().display()
            )),
        }
    }

    /// Records that every revision up to `ceiling` may be in use (blocking, durable).
    pub fn reserve(&self, ceiling: u64) -> io::Result<()> {
        self.file.save(&Floor { floor: ceiling })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floor_is_zero_at_first_and_then_what_was_reserved() {
        let dir = tempfile::tempdir().unwrap();
        let floor = RevisionFloor::new(dir.path());
        assert_eq!(floor.load(), Ok(0));
        floor.reserve(RESERVE).unwrap();
        assert_eq!(floor.load(), Ok(RESERVE));
        std::fs::write(dir.path().join(FILE_NAME), b"{\"schema\": 1, \"flo").unwrap();
        assert!(floor.load().unwrap_err().contains("damaged"));
    }
}
