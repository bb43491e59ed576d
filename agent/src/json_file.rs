//! Small filesystem helpers shared by the agent's stores.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

/// Creates `dir` and any missing parents, readable by this user only (0700 on Unix).
/// An existing directory is left as it is.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Replaces `dir/name` with `bytes` durably (blocking): a temp file in the same directory,
/// fsync, rename over the old file, fsync of the directory. A crash at any instant leaves
/// the old file or the new one, never a mix. Temp files are named `.{name}.*.tmp`.
pub fn replace_durably(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
    let mut temp = tempfile::Builder::new()
        .prefix(&temp_prefix(name))
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    temp.persist(dir.join(name)).map_err(|e| e.error)?;
    sync_dir(dir)
}

/// Removes the temp files a crash in [`replace_durably`] of `dir/name` left behind.
pub fn remove_leftover_temp_files(dir: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = temp_prefix(name);
    for entry in entries.flatten() {
        let file = entry.file_name();
        let file = file.to_string_lossy();
        if file.starts_with(&prefix) && file.ends_with(TEMP_SUFFIX) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

const TEMP_SUFFIX: &str = ".tmp";

fn temp_prefix(name: &str) -> String {
    format!(".{name}.")
}

/// Makes a rename in `dir` durable.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Windows has no directory handle to sync. `persist` renames with
/// `MoveFileExW(MOVEFILE_REPLACE_EXISTING)` but without write-through, so there a rename
/// acknowledged just before a power cut may be lost: to be settled with the Windows
/// credential store work.
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}
