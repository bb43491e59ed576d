//! `repl`: an interactive session. A line is a console command (`status`,
//! `diagnostics --limit 5`, `events`) or a raw request `METHOD [JSON]`, also written
//! `call METHOD [JSON]`. `history` keeps the lines in the data dir, without those that may
//! carry a secret or a prompt.

mod history;

use std::io;

use clap::Parser;
use rustyline::DefaultEditor;
use rustyline::error::ReadlineError;
use tokio::runtime::Runtime;

use crate::commands::{Command, call};
use crate::failure::Failure;
use crate::output::Output;
use crate::session::Session;

const PROMPT: &str = "llm> ";

// One REPL line, parsed by the same clap definitions as the command line. (A doc comment
// here would become the `help` text.)
#[derive(Debug, Parser)]
#[command(
    about = "Commands of the llm-console REPL",
    no_binary_name = true,
    disable_version_flag = true,
    override_usage = "COMMAND [OPTIONS] | METHOD [JSON]",
    after_help = "A line that starts with a dotted METHOD is a raw request, \
                  e.g. `agent.status {}`.\n`exit` or Ctrl-D leaves."
)]
struct Line {
    #[command(subcommand)]
    command: Command,
}

/// What the user asked for on one line.
enum Entry {
    Command(Command),
    Exit,
    /// Help or a usage error, which clap has already formatted.
    Message(clap::Error),
}

pub fn run(runtime: &Runtime, session: &mut Session, output: Output) -> Result<(), Failure> {
    // Fail at once, with the unreachable exit code, if there is no agent to talk to.
    let client = runtime.block_on(session.client())?;
    output.note(&format!(
        "connected to llm-agent {} on {}; `help` lists commands, `exit` leaves",
        client.hello().agent_version,
        client.socket().display()
    ));
    let mut editor = DefaultEditor::new().map_err(terminal_failure)?;
    let history = history::path();
    if let Some(path) = &history {
        // There is no history file before the first session.
        let _ = editor.load_history(path);
    }
    loop {
        let line = match editor.readline(PROMPT) {
            Ok(line) => line,
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(err) => return Err(terminal_failure(err)),
        };
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if history::keeps(line) {
            let _ = editor.add_history_entry(line);
        }
        match parse(line) {
            Entry::Command(command) => {
                if let Err(failure) = runtime.block_on(command.execute(session, output)) {
                    output.failure(&failure);
                }
            }
            Entry::Exit => break,
            Entry::Message(message) => {
                let _ = message.print();
            }
        }
    }
    if let Some(path) = &history
        && let Err(err) = history::save(&mut editor, path)
    {
        output.note(&format!(
            "warning: could not save the history to {}: {err}",
            path.display()
        ));
    }
    Ok(())
}

fn parse(line: &str) -> Entry {
    let (first, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    match first {
        "exit" | "quit" => Entry::Exit,
        "call" if !rest.trim().is_empty() => {
            Entry::Command(Command::Call(call::Args::from_line(rest)))
        }
        method if method.contains('.') => {
            Entry::Command(Command::Call(call::Args::from_line(line)))
        }
        "?" => parse("help"),
        // Words are split as a shell would, so `--notes "two words"` stays one value.
        _ => match shell_words::split(line) {
            Err(e) => Entry::Message(clap::Error::raw(
                clap::error::ErrorKind::InvalidValue,
                format!("{e}: close the quote\n"),
            )),
            Ok(words) => match Line::try_parse_from(words) {
                Ok(parsed) => Entry::Command(parsed.command),
                Err(message) => Entry::Message(message),
            },
        },
    }
}

fn terminal_failure(err: ReadlineError) -> Failure {
    Failure::io("could not use the terminal", io::Error::other(err))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_become_commands_raw_requests_or_help() {
        assert!(matches!(parse("status"), Entry::Command(Command::Status)));
        assert!(matches!(
            parse("diagnostics --limit 5 --result OK"),
            Entry::Command(Command::Diagnostics(_))
        ));
        assert!(matches!(
            parse(r#"agent.status {"x": 1}"#),
            Entry::Command(Command::Call(_))
        ));
        assert!(matches!(
            parse("call agent.status"),
            Entry::Command(Command::Call(_))
        ));
        assert!(matches!(
            parse("profiles list --provider ollama"),
            Entry::Command(Command::Profiles(_))
        ));
        assert!(matches!(
            parse("discover --budget-ms 2000 --extra http://192.168.1.20:11434"),
            Entry::Command(Command::Discover(_))
        ));
        assert!(matches!(
            parse("discover adopt http://127.0.0.1:11434 ollama --name 'My Ollama'"),
            Entry::Command(Command::Discover(_))
        ));
        assert!(matches!(
            parse("catalog upsert openai gpt-test --name 'GPT Test' --input-price 0.25"),
            Entry::Command(Command::Catalog(_))
        ));
        assert!(matches!(
            parse("catalog --provider ollama"),
            Entry::Command(Command::Catalog(_))
        ));
        assert!(matches!(
            parse("roles set infrastructure --same-as-tutor"),
            Entry::Command(Command::Roles(_))
        ));
        assert!(matches!(parse("roles"), Entry::Command(Command::Roles(_))));
        assert!(matches!(parse("quit"), Entry::Exit));
        match parse("help") {
            Entry::Message(message) => {
                assert_eq!(message.kind(), clap::error::ErrorKind::DisplayHelp)
            }
            _ => panic!("help should render help"),
        }
        assert!(matches!(parse("repl"), Entry::Message(_)));
        assert!(matches!(
            parse(r#"diagnostics --method "agent.status" --limit '5'"#),
            Entry::Command(Command::Diagnostics(_))
        ));
        assert!(matches!(
            parse(r#"diagnostics --method "agent.status"#),
            Entry::Message(_)
        ));
        assert!(matches!(parse("diagnostics --limit 0"), Entry::Message(_)));
    }
}
