//! `chat`: one message to a profile's model, or to whichever profile plays a role,
//! through the agent; the reply is written to stdout as it streams, then a line on
//! stderr says which model answered, the tokens, the cost and the time. Ctrl-C cancels
//! the call on the agent.
//!
//! The message is read from stdin, never from argv (every user of the machine can read
//! argv in `ps`): all of a pipe, or one line typed at a terminal. `render` words the
//! summary line.

mod render;

use std::io::{self, IsTerminal, Read, Write};
use std::time::Duration;

use futures_util::StreamExt;
use llm_agent_client::CallOptions;
use llm_agent_client::protocol::methods::chat::{
    ChatMessage, ChatParams, ChatRole, DEFAULT_CHAT_TIMEOUT_MS, MAX_CHAT_TEXT_BYTES, Run,
};
use tokio::sync::oneshot;

use crate::failure::Failure;
use crate::output::Output;
use crate::remediation::{self, same_names};
use crate::session::{ANSWER_GRACE_MS, Session};

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["profile_id", "role"])))]
pub struct Args {
    /// The profile's id, as `profiles list` shows it
    profile_id: Option<String>,
    /// Call whichever profile plays this role now: tutor or infrastructure
    #[arg(long)]
    role: Option<String>,
    /// A system message to send before the user's
    #[arg(long)]
    system: Option<String>,
    /// The most tokens the reply may have
    #[arg(long)]
    max_tokens: Option<u32>,
    /// Sampling temperature (0 to 2; 0 to 1 for Anthropic)
    #[arg(long)]
    temperature: Option<f64>,
}

pub async fn run(session: &mut Session, args: Args, output: Output) -> Result<(), Failure> {
    let message = message_from_stdin().await?;
    let mut messages = Vec::new();
    if let Some(system) = args.system {
        messages.push(ChatMessage::new(ChatRole::System, system));
    }
    messages.push(ChatMessage::new(ChatRole::User, message));
    let params = ChatParams {
        profile_id: args.profile_id,
        role: args.role,
        messages,
        max_tokens: args.max_tokens,
        temperature: args.temperature,
        timeout_ms: session.timeout_ms(),
        ..Default::default()
    };
    let client = session.client().await?;
    let failed = |err| remediation::failure(err, output, same_names);
    if output.is_json() {
        // A script gets the result alone: the agent sends no deltas unasked.
        let deadline = params.timeout_ms.unwrap_or(DEFAULT_CHAT_TIMEOUT_MS);
        let waited = Duration::from_millis(deadline.saturating_add(ANSWER_GRACE_MS));
        let options = CallOptions::default().timeout(waited);
        let reply = client
            .call_with::<Run>(params, options)
            .await
            .map_err(failed)?;
        return output.json_line(&reply.result);
    }
    let mut streamed = client
        .chat(params, CallOptions::default())
        .await
        .map_err(failed)?;
    let mut stdout = io::stdout();
    while let Some(delta) = streamed.next().await {
        let delta = delta.map_err(failed)?;
        stdout
            .write_all(delta.text.as_bytes())
            .and_then(|()| stdout.flush())
            .map_err(|source| Failure::io("could not write to stdout", source))?;
    }
    let result = streamed.finish().await.map_err(failed)?.result;
    output.text("")?;
    output.note(&render::summary(&result));
    Ok(())
}

/// The message: one line typed at a terminal, or all of a pipe (without its final line
/// breaks).
async fn message_from_stdin() -> Result<String, Failure> {
    if io::stdin().is_terminal() {
        eprint!("Message: ");
        let _ = io::stderr().flush();
    }
    // A thread of its own: a read of a pipe cannot be interrupted, and after Ctrl-C the
    // process must not wait for the writer at the other end.
    let (sender, receiver) = oneshot::channel();
    let terminal = io::stdin().is_terminal();
    std::thread::spawn(move || {
        let read = if terminal {
            let mut line = String::new();
            io::stdin().read_line(&mut line).map(|_| line.into_bytes())
        } else {
            let mut bytes = Vec::new();
            io::stdin()
                .lock()
                .take(MAX_CHAT_TEXT_BYTES as u64 + 1)
                .read_to_end(&mut bytes)
                .map(|_| bytes)
        };
        let _ = sender.send(read);
    });
    let bytes = receiver
        .await
        .unwrap_or_else(|_| {
            Err(io::Error::other(
                "the reading thread ended without an answer",
            ))
        })
        .map_err(|err| Failure::io("could not read the message from stdin", err))?;
    message_from(bytes)
}

/// The message in `bytes`, checked for what the console can tell alone; the rest is the
/// agent's to judge.
fn message_from(bytes: Vec<u8>) -> Result<String, Failure> {
    if bytes.len() > MAX_CHAT_TEXT_BYTES {
        return Err(Failure::Usage(format!(
            "the message on stdin is longer than the {MAX_CHAT_TEXT_BYTES} bytes a call takes"
        )));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| Failure::Usage("the message on stdin is not UTF-8 text".into()))?;
    let message = text.trim_end_matches(['\n', '\r']);
    if message.trim().is_empty() {
        return Err(Failure::Usage(
            "no message: type one, or pipe it in on stdin".into(),
        ));
    }
    Ok(message.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::parse_args;

    #[test]
    fn a_target_is_a_profile_or_a_role_and_the_message_comes_from_stdin() {
        assert!(parse_args::<Args>("chat", &["6f1c1a57-3b0e-4c8e-9d51-6a1d2c3b4a59"]).is_ok());
        assert!(parse_args::<Args>("chat", &["--role", "tutor", "--max-tokens", "50"]).is_ok());
        assert!(
            parse_args::<Args>("chat", &[]).is_err(),
            "a target is required"
        );
        assert!(parse_args::<Args>("chat", &["id", "--role", "tutor"]).is_err());
        assert_eq!(message_from(b"Hello\r\n".to_vec()).unwrap(), "Hello");
        assert_eq!(message_from(b"  \n".to_vec()).unwrap_err().code(), "USAGE");
        assert_eq!(message_from(vec![0xff]).unwrap_err().code(), "USAGE");
    }
}
