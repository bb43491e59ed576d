//! The REPL's history: where it is kept (the data dir, readable by its owner only), and
//! which lines it leaves out because they may carry a secret or a prompt.

use std::io;
use std::path::{Path, PathBuf};

use llm_agent_client::protocol::location;
use rustyline::DefaultEditor;
use rustyline::error::ReadlineError;

const HISTORY_FILE: &str = "console_history";

/// A line containing one of these is left out of the history file: a raw
/// `profiles.create {"api_key": ...}`, or a key given by mistake as `--api-key KEY` (the
/// `profiles` commands read keys at a hidden prompt), must not end up on disk in clear
/// text.
const SECRET_MARKERS: &[&str] = &[
    "api_key", "api-key", "apikey", "secret", "password", "token",
];

/// A raw `profiles.test {"prompt": ...}` is left out of the history too: a prompt is
/// never stored, by the agent or here. (`profiles test --prompt-stdin` carries none.)
const PROMPT_MARKER: &str = "\"prompt\"";

/// Whether `line` may go into the history.
pub fn keeps(line: &str) -> bool {
    !may_carry_secret(line) && !carries_prompt(line)
}

fn may_carry_secret(line: &str) -> bool {
    let line = line.to_ascii_lowercase();
    SECRET_MARKERS.iter().any(|marker| line.contains(marker))
}

fn carries_prompt(line: &str) -> bool {
    line.to_ascii_lowercase().contains(PROMPT_MARKER)
}

/// The history file in the default data dir, if there is one.
pub fn path() -> Option<PathBuf> {
    location::data_dir(None)
        .ok()
        .map(|dir| dir.join(HISTORY_FILE))
}

pub fn save(editor: &mut DefaultEditor, path: &Path) -> Result<(), ReadlineError> {
    if let Some(dir) = path.parent() {
        create_private_dir(dir)?;
    }
    // rustyline makes the file readable by its owner only.
    editor.save_history(path)
}

/// Creates the data dir as the agent would: readable by its owner only.
fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

#[cfg(test)]
mod tests {
    use super::super::{Entry, parse};
    use super::*;
    use crate::commands::Command;

    #[test]
    fn secrets_stay_out_of_the_history() {
        assert!(may_carry_secret(r#"profiles.create {"API_KEY": "sk-1"}"#));
        assert!(may_carry_secret("profiles create --name x --api-key sk-1"));
        assert!(!may_carry_secret("diagnostics --limit 5"));
    }

    #[test]
    fn prompts_stay_out_of_the_history() {
        assert!(carries_prompt(
            r#"profiles.test {"id": "x", "prompt": "hello"}"#
        ));
        assert!(carries_prompt(r#"call profiles.test {"PROMPT": "hello"}"#));
        assert!(!carries_prompt("profiles test x --prompt-stdin"));
        assert!(matches!(
            parse("profiles test 0f8e2c1a-5b7d-4e3f-9a6b-2c4d6e8f0a1b --prompt-stdin"),
            Entry::Command(Command::Profiles(_))
        ));
    }
}
