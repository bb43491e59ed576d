//! What the console asks a person for: an API key and a yes or no. A key never comes from
//! argv, which every user on the machine can read with `ps`; a person types it at a hidden
//! prompt, a script pipes it in as the first line of stdin.

use std::io::{self, BufRead, IsTerminal};

use crate::failure::Failure;

const KEY_PROMPT: &str = "API key (typing is hidden): ";

/// Reads the key for `--with-api-key`: at a hidden prompt when stdin is a terminal,
/// otherwise the first line of stdin.
pub async fn api_key() -> Result<String, Failure> {
    let stdin = io::stdin();
    if !stdin.is_terminal() {
        return api_key_from(stdin.lock());
    }
    match ask(KEY_PROMPT.to_owned(), Echo::Hidden).await? {
        Some(key) => accept(key),
        None => Err(Failure::Usage(
            "no API key was typed; run the command again and paste the key at the prompt".into(),
        )),
    }
}

/// The key on the first line of `reader`, without its line ending and nothing else
/// trimmed: spaces in a key are the agent's to refuse, with a message that says so.
pub fn api_key_from(mut reader: impl BufRead) -> Result<String, Failure> {
    let mut line = String::new();
    let read = reader
        .read_line(&mut line)
        .map_err(|err| Failure::io("could not read the API key from stdin", err))?;
    if read == 0 {
        return Err(Failure::Usage(
            "--with-api-key found nothing on stdin: pipe the key in as the first line, \
             or run the command at a terminal to type it"
                .into(),
        ));
    }
    if line.ends_with('\n') {
        line.pop();
        if line.ends_with('\r') {
            line.pop();
        }
    }
    accept(line)
}

fn accept(key: String) -> Result<String, Failure> {
    if key.is_empty() {
        return Err(Failure::Usage(
            "the API key is empty: give the key itself, or leave out --with-api-key".into(),
        ));
    }
    Ok(key)
}

/// Asks `question` at the terminal; only `y` or `yes` agrees. Without a terminal on stdin
/// this is a script, which must say `--yes` itself.
pub async fn confirm(question: &str) -> Result<bool, Failure> {
    if !io::stdin().is_terminal() {
        return Err(Failure::Usage(
            "stdin is not a terminal, so there is nobody to confirm: pass --yes".into(),
        ));
    }
    let answer = ask(format!("{question} [y/N] "), Echo::Shown).await?;
    Ok(answer.is_some_and(|answer| agrees(&answer)))
}

/// One line typed at the terminal, shown as it is typed. `None` means Ctrl-D.
pub async fn line(prompt: &str) -> Result<Option<String>, Failure> {
    ask(prompt.to_owned(), Echo::Shown).await
}

#[derive(Debug, Clone, Copy)]
enum Echo {
    Hidden,
    Shown,
}

/// Asks at the terminal (`/dev/tty`, or the console on Windows). `None` means Ctrl-D.
///
/// rpassword reads in raw mode and answers Ctrl-C by raising SIGINT before it restores
/// the terminal, so a process without a SIGINT handler would end with echo off. The read
/// therefore runs on a thread of its own while `Command::execute` waits for Ctrl-C, whose
/// handler catches the signal; rpassword then restores the terminal and returns. The
/// echoed answer is read the same way, because a plain `read_line` can no longer be
/// interrupted once that handler is in place.
async fn ask(prompt: String, echo: Echo) -> Result<Option<String>, Failure> {
    let answer = tokio::task::spawn_blocking(move || {
        let config = rpassword::ConfigBuilder::new();
        let config = match echo {
            Echo::Hidden => config.password_feedback_hide(),
            // A mask that starts after every character there could be: all are shown.
            Echo::Shown => config.password_feedback_partial_mask(' ', usize::MAX),
        };
        rpassword::prompt_password_with_config(prompt, config.build())
    })
    .await
    .map_err(|err| Failure::io("could not read from the terminal", io::Error::other(err)))?;
    match answer {
        Ok(answer) => Ok(Some(answer)),
        Err(err) if err.kind() == io::ErrorKind::Interrupted => Err(Failure::Interrupted),
        Err(err) if err.kind() == io::ErrorKind::UnexpectedEof => {
            // Ctrl-D ends no line; the next message should start on one of its own.
            eprintln!();
            Ok(None)
        }
        Err(err) => Err(Failure::io("could not read from the terminal", err)),
    }
}

fn agrees(answer: &str) -> bool {
    matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_piped_key_loses_its_line_ending_only() {
        assert_eq!(api_key_from("sk-1\n".as_bytes()).unwrap(), "sk-1");
        assert_eq!(api_key_from("sk-1\r\n".as_bytes()).unwrap(), "sk-1");
        assert_eq!(api_key_from("sk-1".as_bytes()).unwrap(), "sk-1");
        assert_eq!(api_key_from(" sk 1 \n".as_bytes()).unwrap(), " sk 1 ");
        assert_eq!(
            api_key_from("sk-1\nsecond line\n".as_bytes()).unwrap(),
            "sk-1"
        );
    }

    #[test]
    fn an_empty_key_is_refused() {
        for input in ["", "\n", "\r\n"] {
            let failure = api_key_from(input.as_bytes()).unwrap_err();
            assert_eq!(failure.code(), "USAGE", "{input:?}");
        }
        let empty = api_key_from("\n".as_bytes()).unwrap_err();
        assert!(empty.message().contains("empty"), "{}", empty.message());
        let nothing = api_key_from("".as_bytes()).unwrap_err();
        assert!(nothing.message().contains("nothing on stdin"));
    }

    #[test]
    fn only_yes_agrees() {
        for yes in ["y\n", "Yes", " YES \n"] {
            assert!(agrees(yes), "{yes:?}");
        }
        for no in ["", "\n", "n", "no", "yes please", "ok"] {
            assert!(!agrees(no), "{no:?}");
        }
    }
}
