//! `profiles test`: sends a short prompt to a profile's model through the agent and shows
//! how it went: the verdict, the reply's start, the HTTP status, the attempts and the
//! time each stage took.
//!
//! A custom prompt is read from stdin (`--prompt-stdin`), never from argv: it can hold
//! what the learner would rather not show every user of the machine in `ps`. It goes to
//! the agent and nowhere else. While the agent works, a spinner on stderr (only when
//! stderr is a terminal) shows the time so far; Ctrl-C cancels the test on the agent.
//! `render` says how the test went.

mod render;

use std::io::{self, IsTerminal, Read};
use std::time::Duration;

use llm_agent_client::protocol::ErrorCode;
use llm_agent_client::protocol::methods::profiles::{
    DEFAULT_TEST_TIMEOUT_MS, Get, IdParams, MAX_TEST_PROMPT_CHARS, Test, TestParams,
};
use llm_agent_client::{CallOptions, Client, ClientError};
use tokio::sync::oneshot;

use crate::failure::Failure;
use crate::output::Output;
use crate::remediation::{self, same_names};
use crate::session::{ANSWER_GRACE_MS, Session};
use crate::spinner::{Spinner, spin_while};

/// The most bytes `--prompt-stdin` reads from a pipe: the longest prompt the agent takes,
/// in UTF-8's widest encoding, and a line ending.
const MAX_PROMPT_BYTES: usize = MAX_TEST_PROMPT_CHARS * 4 + 2;

const TERMINAL_PROMPT: &str = "Prompt for the model (one line): ";

/// The longest profile description the spinner shows, so its line never wraps (a wrapped
/// line could not be cleared).
const SPINNER_LABEL_CHARS: usize = 60;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The profile's id, as `list` shows it
    id: String,
    /// Read the prompt from stdin instead of sending the agent's default one
    ///
    /// Piped: all of stdin, without its final line break. At a terminal: one typed line.
    /// A prompt is never an argument, and neither the console nor the agent stores or
    /// logs it.
    #[arg(long)]
    prompt_stdin: bool,
}

pub async fn run(session: &mut Session, args: Args, output: Output) -> Result<(), Failure> {
    let prompt = if args.prompt_stdin {
        Some(prompt_from_stdin().await?)
    } else {
        None
    };
    let timeout_ms = session.timeout_ms();
    let client = session.client().await?;
    let spinner = if Spinner::wanted() {
        let label = spinner_label(client, &args.id).await;
        Some(Spinner::new(format!("testing {label}")))
    } else {
        None
    };
    let params = TestParams {
        id: args.id.clone(),
        prompt: prompt.map(Into::into),
        timeout_ms,
    };
    let waited = timeout_ms
        .unwrap_or(DEFAULT_TEST_TIMEOUT_MS)
        .saturating_add(ANSWER_GRACE_MS);
    let options = CallOptions::default().timeout(Duration::from_millis(waited));
    let call = client.call_with::<Test>(params, options);
    let reply = spin_while(spinner.as_ref(), call).await;
    let outcome = reply.map_err(|err| failure(err, &args.id, output))?.result;
    output.result(&outcome, render::report)?;
    if outcome.success && outcome.error.is_none() {
        return Ok(());
    }
    let code = outcome.error.map_or_else(
        || "TEST_FAILED".to_owned(),
        |error| error.code.as_str().to_owned(),
    );
    Err(Failure::Reported { code })
}

/// The failure to report for an error response. Consent is given with `profiles
/// update` here, not with the `--consent` of the command that failed.
fn failure(err: ClientError, id: &str, output: Output) -> Failure {
    match err {
        ClientError::Remote(mut wire)
            if wire.code == ErrorCode::ConsentRequired && !output.is_json() =>
        {
            wire.remediation = Some(format!(
                "Ask the learner whether they agree to send their prompts to this server; if \
                 they do, record it with `llm-console profiles update {id} --consent`, then \
                 test again."
            ));
            ClientError::Remote(wire).into()
        }
        other => remediation::failure(other, output, same_names),
    }
}

/// Reads the prompt for `--prompt-stdin`: a line typed at the terminal, or all of a pipe.
async fn prompt_from_stdin() -> Result<String, Failure> {
    if io::stdin().is_terminal() {
        return match super::prompt::line(TERMINAL_PROMPT).await? {
            Some(line) if !line.trim().is_empty() => Ok(line),
            Some(_) => Err(Failure::Usage(
                "no prompt was typed; leave out --prompt-stdin to send the agent's default prompt"
                    .into(),
            )),
            None => Err(Failure::Usage("no prompt was typed (Ctrl-D)".into())),
        };
    }
    // A thread of its own: a read of a pipe cannot be interrupted, and after Ctrl-C the
    // process must not wait for the writer at the other end.
    let (sender, receiver) = oneshot::channel();
    std::thread::spawn(move || {
        let _ = sender.send(prompt_from(io::stdin().lock()));
    });
    receiver.await.unwrap_or_else(|_| {
        Err(Failure::io(
            "could not read the prompt from stdin",
            io::Error::other("the reading thread ended without an answer"),
        ))
    })
}

/// All of `reader` up to [`MAX_PROMPT_BYTES`], without its final line breaks. The rest
/// (blank or too long a prompt) is the agent's to judge.
fn prompt_from(reader: impl Read) -> Result<String, Failure> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_PROMPT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| Failure::io("could not read the prompt from stdin", err))?;
    if bytes.len() > MAX_PROMPT_BYTES {
        return Err(Failure::Usage(format!(
            "the prompt on stdin is longer than the {MAX_TEST_PROMPT_CHARS} characters a test \
             takes; shorten it"
        )));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| Failure::Usage("the prompt on stdin is not UTF-8 text".into()))?;
    let prompt = text.trim_end_matches(['\n', '\r']);
    if prompt.is_empty() {
        return Err(Failure::Usage(
            "--prompt-stdin found no prompt on stdin: pipe one in, or leave out \
             --prompt-stdin to send the agent's default prompt"
                .into(),
        ));
    }
    Ok(prompt.to_owned())
}

/// What the spinner calls the profile: its name, provider and model when the agent
/// says, else its id.
async fn spinner_label(client: &Client, id: &str) -> String {
    match client.call::<Get>(IdParams { id: id.to_owned() }).await {
        Ok(profile) => shortened(&format!(
            "{:?} ({}, {})",
            profile.name, profile.provider, profile.model
        )),
        // The test itself will report the problem, in full.
        Err(_) => shortened(&format!("profile {id}")),
    }
}

fn shortened(text: &str) -> String {
    if text.chars().count() <= SPINNER_LABEL_CHARS {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(SPINNER_LABEL_CHARS - 1).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use llm_agent_client::protocol::WireError;

    use super::*;

    #[test]
    fn a_piped_prompt_loses_only_its_final_line_breaks() {
        assert_eq!(prompt_from("Say hi\n".as_bytes()).unwrap(), "Say hi");
        assert_eq!(prompt_from("Say hi\r\n\n".as_bytes()).unwrap(), "Say hi");
        assert_eq!(
            prompt_from("  two\nlines  \n".as_bytes()).unwrap(),
            "  two\nlines  "
        );
        for nothing in ["", "\n", "\r\n"] {
            let failure = prompt_from(nothing.as_bytes()).unwrap_err();
            assert_eq!(failure.code(), "USAGE", "{nothing:?}");
        }
    }

    #[test]
    fn a_prompt_too_long_for_any_test_is_refused_without_reading_on() {
        let widest = "€".repeat(MAX_TEST_PROMPT_CHARS);
        assert_eq!(prompt_from(widest.as_bytes()).unwrap(), widest);
        let endless = io::repeat(b'a');
        let failure = prompt_from(endless).unwrap_err();
        assert_eq!(failure.code(), "USAGE");
        assert!(
            failure.message().contains("longer than"),
            "{}",
            failure.message()
        );
        let failure = prompt_from(&[0xff, 0xfe][..]).unwrap_err();
        assert!(failure.message().contains("UTF-8"), "{}", failure.message());
    }

    #[test]
    fn long_spinner_labels_are_shortened() {
        let long = shortened(&"m".repeat(200));
        assert_eq!(long.chars().count(), SPINNER_LABEL_CHARS);
        assert!(long.ends_with('…'));
    }

    #[test]
    fn consent_is_given_with_update_here() {
        let err = ClientError::Remote(WireError::new(ErrorCode::ConsentRequired, "remote"));
        let failure = failure(err, "id-1", Output::new(false));
        assert!(
            failure
                .remediation()
                .unwrap()
                .contains("`llm-console profiles update id-1 --consent`"),
            "{failure:?}"
        );
    }
}
