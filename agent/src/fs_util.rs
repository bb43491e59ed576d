//! Small filesystem helpers shared by the agent's stores.

use std::io;
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
