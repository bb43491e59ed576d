//! Replacing a file durably: the one rule every file the agent writes follows (its JSON
//! stores, the service files of `llm-agent service install`).
//!
//! The new content goes to a temp file in the same directory, is synced, and is renamed
//! over the old file; then the directory is synced, so the rename itself survives a
//! crash. Windows has no directory handle to sync: there the rename is made with
//! `MOVEFILE_WRITE_THROUGH`, which returns only once it is on disk. A crash at any
//! instant leaves the old file or the new one, never a mix. Temp files are named
//! `.{name}.*.tmp`, so [`remove_leftovers`] can find those an interrupted write left.

use std::io::{self, Write};
use std::path::Path;

const TEMP_SUFFIX: &str = ".tmp";

/// Replaces `dir/name` with `bytes`, durably (blocking). Returns once it is on disk.
pub fn replace(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
    let mut temp = tempfile::Builder::new()
        .prefix(&temp_prefix(name))
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)?;
    temp.write_all(bytes)?;
    replace_with(temp, &dir.join(name), dir)
}

/// Removes the temp files an interrupted [`replace`] of `dir/name` left behind.
pub fn remove_leftovers(dir: &Path, name: &str) {
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

fn temp_prefix(name: &str) -> String {
    format!(".{name}.")
}

/// Syncs `temp`, renames it to `path` and syncs `dir`, so the rename survives a crash.
#[cfg(unix)]
fn replace_with(temp: tempfile::NamedTempFile, path: &Path, dir: &Path) -> io::Result<()> {
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir)
}

/// Makes the entries of `dir` (a file created or renamed there) durable, for writers
/// that create their files themselves. On Windows, which has no directory handle to
/// sync, renames made by [`replace`] are durable by write-through instead, and this
/// does nothing.
#[cfg(unix)]
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
pub fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

/// Syncs `temp` and renames it to `path` with `MOVEFILE_WRITE_THROUGH`, which returns only
/// once the rename is on disk (Windows has no directory handle to sync).
///
/// tempfile creates its files with `FILE_ATTRIBUTE_TEMPORARY`, which lets the cache keep
/// them off the disk; `keep` makes this one a normal file before it is synced.
#[cfg(windows)]
fn replace_with(temp: tempfile::NamedTempFile, path: &Path, _dir: &Path) -> io::Result<()> {
    let (file, temp_path) = temp.keep().map_err(|e| e.error)?;
    let synced = file.sync_all();
    drop(file);
    let replaced = synced.and_then(|()| move_write_through(&temp_path, path));
    if replaced.is_err() {
        let _ = std::fs::remove_file(&temp_path);
    }
    replaced
}

#[cfg(windows)]
fn move_write_through(from: &Path, to: &Path) -> io::Result<()> {
    use std::os::windows::ffi::OsStrExt;
    use windows_sys::Win32::Storage::FileSystem::{
        MOVEFILE_REPLACE_EXISTING, MOVEFILE_WRITE_THROUGH, MoveFileExW,
    };
    let wide = |path: &Path| -> Vec<u16> { path.as_os_str().encode_wide().chain([0]).collect() };
    let (from, to) = (wide(from), wide(to));
    // SAFETY: both are NUL-terminated UTF-16 paths that outlive the call.
    let moved = unsafe {
        MoveFileExW(
            from.as_ptr(),
            to.as_ptr(),
            MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH,
        )
    };
    if moved == 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replace_leaves_the_new_content_and_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        replace(dir.path(), "unit", b"one").unwrap();
        replace(dir.path(), "unit", b"two").unwrap();
        assert_eq!(std::fs::read(dir.path().join("unit")).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["unit"]);
    }
}
