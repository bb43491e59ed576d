//! Directories only this user can read: the data dir, the socket's dir, the logs.

use std::io;
use std::path::Path;

/// Creates `dir` and any missing parents, readable by this user only (0700 on Unix).
/// An existing directory is left as it is.
pub fn create(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}
