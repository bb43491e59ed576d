//! The exclusive lock on the data directory: one agent per data dir.
//!
//! The lock is an OS file lock on `agent.lock`, so it is released when the process dies,
//! however it dies. The file holds the owner's pid, only to make the refusal message
//! useful.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

use llm_agent_protocol::location::LOCK_FILE;

use crate::private_dir;

#[derive(Debug, thiserror::Error)]
pub enum DataLockError {
    #[error(
        "another llm-agent{} is already running with data dir {}; stop it first, or pass a different --data-dir",
        pid.map(|p| format!(" (pid {p})")).unwrap_or_default(),
        dir.display()
    )]
    AlreadyRunning { dir: PathBuf, pid: Option<u32> },
    #[error("cannot lock data dir {}: {source}", dir.display())]
    Io { dir: PathBuf, source: io::Error },
}

/// Held for the agent's lifetime; dropping it releases the lock.
#[derive(Debug)]
pub struct DataDirLock {
    _file: File,
}

impl DataDirLock {
    pub fn acquire(dir: &Path) -> Result<Self, DataLockError> {
        let io_err = |source| DataLockError::Io {
            dir: dir.to_owned(),
            source,
        };
        private_dir::create(dir).map_err(io_err)?;
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(dir.join(LOCK_FILE))
            .map_err(io_err)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut text = String::new();
                let pid = file
                    .read_to_string(&mut text)
                    .ok()
                    .and_then(|_| text.trim().parse().ok());
                return Err(DataLockError::AlreadyRunning {
                    dir: dir.to_owned(),
                    pid,
                });
            }
            Err(TryLockError::Error(source)) => return Err(io_err(source)),
        }
        file.set_len(0).map_err(io_err)?;
        file.rewind().map_err(io_err)?;
        writeln!(file, "{}", std::process::id()).map_err(io_err)?;
        Ok(Self { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_with_the_owner_pid_and_freed_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let first = DataDirLock::acquire(dir.path()).unwrap();
        match DataDirLock::acquire(dir.path()) {
            Err(DataLockError::AlreadyRunning { pid, .. }) => {
                assert_eq!(pid, Some(std::process::id()))
            }
            other => panic!("{other:?}"),
        }
        drop(first);
        DataDirLock::acquire(dir.path()).unwrap();
    }
}
