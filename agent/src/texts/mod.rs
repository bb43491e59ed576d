//! Every text the agent writes for a person: its messages ([`messages`], one declaration
//! each), the catalogs they are rendered from (`agent/locales/*.ftl`, compiled in), and
//! the wire types' text fields filled from a [`Text`].
//!
//! The agent builds each text in English, with its message id and arguments beside it,
//! so that logs, diagnostics and the audit ledger read English. A connection that asked
//! for another language in `hello` gets every text re-rendered from its id and
//! arguments on the way out ([`relocalize`]): one rule for results, errors and events,
//! which no handler can forget.

pub mod messages;
mod relocalize;

use std::sync::LazyLock;

use llm_agent_l10n::{Catalog, Locale, Text};
use llm_agent_protocol::methods::profiles::{FieldError, Warning};
use llm_agent_protocol::safe_storage::{SafeStorageState, SafeStorageStatus, StoreStatus};
use llm_agent_protocol::text::LocalizedText;
use llm_agent_protocol::{ErrorCode, WireError};

pub use relocalize::{relocalize_frame, relocalize_value};

/// The agent's catalogs.
pub static CATALOG: LazyLock<Catalog> = LazyLock::new(|| {
    Catalog::new(&[
        (Locale::English, include_str!("../../locales/en.ftl")),
        (Locale::German, include_str!("../../locales/de.ftl")),
        (Locale::Spanish, include_str!("../../locales/es.ftl")),
    ])
});

/// `text` in English, as logs and the agent's own records show it.
pub fn english(text: &Text) -> String {
    CATALOG.render(Locale::English, text)
}

/// `text` as a [`LocalizedText`], in English (re-rendered for the connection on the
/// way out).
pub fn localized(text: &Text) -> LocalizedText {
    text.to_localized(english(text))
}

/// A wire error whose message is `message`.
pub fn wire_error(code: ErrorCode, message: Text) -> WireError {
    let (message, message_id, message_args) = parts(message);
    WireError {
        message_id,
        message_args,
        ..WireError::new(code, message)
    }
}

/// `INVALID_PARAMS` naming the offending field, with `message`.
pub fn invalid_params(field: Option<&str>, message: Text) -> WireError {
    let (message, message_id, message_args) = parts(message);
    WireError {
        message_id,
        message_args,
        ..WireError::invalid_params(field, message)
    }
}

/// The texts of a wire error the agent adds after making it.
pub trait WireErrorTexts {
    /// Sets what to do about it.
    fn remediation(self, remediation: Text) -> Self;
}

impl WireErrorTexts for WireError {
    fn remediation(mut self, remediation: Text) -> Self {
        let (remediation, remediation_id, remediation_args) = parts(remediation);
        self.remediation = Some(remediation);
        self.remediation_id = remediation_id;
        self.remediation_args = remediation_args;
        self
    }
}

/// A field error of `field` with `message`.
pub fn field_error(field: String, code: &str, message: Text) -> FieldError {
    let (message, message_id, message_args) = parts(message);
    FieldError {
        field,
        code: code.to_owned(),
        message,
        message_id,
        message_args,
    }
}

/// A warning `code` with `message`.
pub fn warning(code: &str, message: Text) -> Warning {
    let (message, message_id, message_args) = parts(message);
    Warning {
        code: code.to_owned(),
        message,
        message_id,
        message_args,
    }
}

/// The text of a field error (its id is one of [`messages::DECLARED`]); a field error
/// from elsewhere reads as `fallback`.
pub fn text_of(error: &FieldError, fallback: Text) -> Text {
    error
        .message_id
        .as_deref()
        .and_then(|id| messages::DECLARED.iter().find(|d| d.id == id))
        .map(|declared| {
            Text::new(
                declared.id,
                declared.args.iter().filter_map(|name| {
                    error
                        .message_args
                        .get(*name)
                        .map(|value| (*name, value.clone()))
                }),
            )
        })
        .unwrap_or(fallback)
}

/// The status of a store, writable unless it has a `problem`.
pub fn store_status(problem: Option<Text>) -> StoreStatus {
    match problem {
        None => StoreStatus::default(),
        Some(problem) => {
            let (problem, problem_id, problem_args) = parts(problem);
            StoreStatus {
                writable: false,
                problem: Some(problem),
                problem_id,
                problem_args,
            }
        }
    }
}

/// Safe storage in `state`, for `reason`, with what to do about it.
pub fn safe_storage_status(
    state: SafeStorageState,
    reason: Text,
    remediation: Text,
) -> SafeStorageStatus {
    let (reason, reason_id, reason_args) = parts(reason);
    let (remediation, remediation_id, remediation_args) = parts(remediation);
    SafeStorageStatus {
        state,
        reason: Some(reason),
        reason_id,
        reason_args,
        remediation: Some(remediation),
        remediation_id,
        remediation_args,
    }
}

/// A text's three wire fields (`X`, `X_id`, `X_args`), for the wire types that carry
/// texts of their own (safe storage's reason, a store's problem, a discovery hint).
pub fn parts(text: Text) -> (String, Option<String>, llm_agent_l10n::MessageArgs) {
    let rendered = english(&text);
    let (id, args) = text.into_parts();
    (rendered, Some(id.to_owned()), args)
}

/// Writes `Display` (in English, from the type's [`Explain::message`]) and
/// `std::error::Error` for domain errors, and `From` for the variants that wrap another
/// domain's error: `explained_error!(ChatError { Vault(VaultError), Usage(UsageError) })`.
#[macro_export]
macro_rules! explained_error {
    ($($ty:ident $({ $($variant:ident($from:ty)),* $(,)? })?),* $(,)?) => {$(
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&$crate::texts::english(&$crate::texts::Explain::message(self)))
            }
        }

        impl std::error::Error for $ty {}

        $($(
            impl From<$from> for $ty {
                fn from(err: $from) -> Self {
                    $ty::$variant(err)
                }
            }
        )*)?
    )*};
}

/// What a domain error says to a person.
pub trait Explain {
    /// What went wrong.
    fn message(&self) -> Text;
}

#[cfg(test)]
mod tests {
    use llm_agent_l10n::{check_catalog, message_sources};

    use super::*;

    /// `docs/messages.md`: every message id with its arguments and its English, for
    /// translators and for apps with catalogs of their own.
    fn messages_doc() -> String {
        let english = message_sources(include_str!("../../locales/en.ftl"));
        let mut doc = String::from(MESSAGES_DOC_HEAD);
        for declared in messages::DECLARED {
            let text = english
                .iter()
                .find(|(id, _)| id == declared.id)
                .map(|(_, text)| text.replace('|', "\\|"))
                .unwrap_or_default();
            let args: Vec<String> = declared.args.iter().map(|a| format!("`{a}`")).collect();
            doc.push_str(&format!(
                "| `{}` | {} | {text} |\n",
                declared.id,
                args.join(", ")
            ));
        }
        doc
    }

    const MESSAGES_DOC_HEAD: &str = "\
# Messages

Every text llm-agent writes for a person, by its message id. The wire carries each text
with its id and arguments beside it (`message`, `message_id`, `message_args`; see
docs/protocol.md section 8.4), so an app may render it from catalogs of its own; the
agent's own catalogs are `agent/locales/en.ftl`, `de.ftl` and `es.ftl` (Project Fluent),
compiled into the binary. To translate: copy `en.ftl`, keep every id and every
`{ $argument }`, translate the words. A test fails when a catalog lacks an id, has one
the code does not use, or uses other arguments than English.

Arguments are strings or numbers. Numbers are quantities, written as the language writes
them (`NUMBER`); `DATETIME($x)` writes an RFC 3339 instant (in UTC) and `DATE($x)` a
`YYYY-MM-DD` day. Some messages choose their words by an argument (a provider kind, a
state): the English column shows the choices as Fluent writes them (`[ollama] ...`,
`*[other]` the default).

This file is generated from the code and the English catalog: after changing either,
run `LLM_AGENT_BLESS=1 cargo test -p llm-agent --lib texts`.

| id | arguments | English |
|---|---|---|
";

    #[test]
    fn docs_messages_md_lists_every_message() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/messages.md");
        let generated = messages_doc();
        if std::env::var_os("LLM_AGENT_BLESS").is_some() {
            std::fs::write(path, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == generated,
            "docs/messages.md is out of date: run LLM_AGENT_BLESS=1 cargo test -p llm-agent --lib texts"
        );
    }

    #[test]
    fn every_catalog_has_every_message_with_its_arguments_and_nothing_else() {
        let problems = check_catalog(&CATALOG, messages::DECLARED);
        let listed: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(
            listed.is_empty(),
            "catalog problems:\n{}",
            listed.join("\n")
        );
    }
}
