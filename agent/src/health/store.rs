//! `health.json`: each profile's recent outcomes, a [`JsonFile`] (written atomically).
//! A file that cannot be read starts an empty history, with a warning: it is a record
//! of the past, not the learner's data.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use llm_agent_protocol::health::HealthOutcome;
use serde::{Deserialize, Serialize};

use crate::json_file::{JsonFile, Loaded};

pub const FILE_NAME: &str = "health.json";
const SCHEMA_VERSION: u32 = 1;

/// Every profile's history, oldest outcome first, by profile id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Histories {
    #[serde(default)]
    pub profiles: BTreeMap<String, Vec<HealthOutcome>>,
}

#[derive(Debug, Clone)]
pub struct HealthStore {
    file: JsonFile,
}

impl HealthStore {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            file: JsonFile::new(data_dir, FILE_NAME, SCHEMA_VERSION),
        }
    }

    /// Reads the histories (blocking); what cannot be read is an empty history.
    pub fn load(&self) -> Histories {
        let problem = match self.file.load::<Histories>() {
            Ok(Loaded::Missing) => return Histories::default(),
            Ok(
                Loaded::Parsed { data, .. }
                | Loaded::Newer {
                    data: Some(data), ..
                },
            ) => {
                return data;
            }
            Ok(Loaded::Newer { schema, .. }) => {
                format!("written by a newer agent (schema {schema})")
            }
            Ok(Loaded::NotJson(e) | Loaded::BadShape(e)) => e,
            Err(e) => e.to_string(),
        };
        tracing::warn!(path = %self.file.path().display(), %problem, "health history unreadable; starting afresh");
        Histories::default()
    }

    /// Replaces the file, durably (blocking).
    pub fn save(&self, histories: &Histories) -> io::Result<()> {
        self.file.save(histories)
    }
}
