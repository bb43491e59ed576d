//! Where and how the console writes: JSON documents for scripts, text for people, and
//! failures on stderr (or as a JSON document on stdout with `--json`). How the text is
//! laid out is [`crate::table`]'s and each command's `render`.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::json;

use crate::failure::Failure;
use crate::json::to_json;

#[derive(Debug, Clone, Copy)]
pub struct Output {
    json: bool,
}

impl Output {
    pub fn new(json: bool) -> Self {
        Self { json }
    }

    pub fn is_json(self) -> bool {
        self.json
    }

    /// Writes one JSON document on one line.
    pub fn json_line<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Failure> {
        let mut stdout = io::stdout().lock();
        serde_json::to_writer(&mut stdout, value)
            .map_err(io::Error::from)
            .and_then(|()| writeln!(stdout))
            .map_err(|source| Failure::io("could not write to stdout", source))
    }

    /// Writes a result as one JSON document, or as `render` shows it to a person.
    pub fn result<T: Serialize>(
        self,
        result: &T,
        render: impl FnOnce(&T) -> String,
    ) -> Result<(), Failure> {
        if self.json {
            self.json_line(result)
        } else {
            self.text(&render(result))
        }
    }

    /// Writes text for a person; a missing final newline is added.
    pub fn text(self, text: &str) -> Result<(), Failure> {
        let mut stdout = io::stdout().lock();
        let newline = if text.ends_with('\n') { "" } else { "\n" };
        write!(stdout, "{text}{newline}")
            .map_err(|source| Failure::io("could not write to stdout", source))
    }

    /// A remark for a person that is not the command's output.
    pub fn note(self, text: &str) {
        if !self.json {
            eprintln!("{text}");
        }
    }

    /// Reports a failure: `error: CODE: message` and the remediation on stderr, or with
    /// `--json` one `{"error": {...}}` document on stdout, so scripts parse one stream.
    pub fn failure(self, failure: &Failure) {
        if failure.is_silent() {
            return;
        }
        if self.json {
            let wire = failure.wire_error();
            let document = json!({
                "error": {
                    "code": failure.code(),
                    "message": failure.message(),
                    "remediation": failure.remediation(),
                    "retryable": wire.is_some_and(|wire| wire.retryable),
                    "details": wire.and_then(|wire| wire.details.as_ref()).map(to_json),
                }
            });
            // stdout is gone if this fails; stderr is the last place left to say so.
            if self.json_line(&document).is_err() {
                eprintln!("error: {}: {}", failure.code(), failure.message());
            }
            return;
        }
        if let Failure::Cancelled = failure {
            // What the person asked for, not an error.
            eprintln!("{}", failure.message());
            return;
        }
        eprintln!("error: {}: {}", failure.code(), failure.message());
        if let Some(remediation) = failure.remediation() {
            eprintln!("  {remediation}");
        }
    }
}
