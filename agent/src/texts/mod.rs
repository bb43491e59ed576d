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
    let rendered = english(&message);
    let (id, args) = message.into_parts();
    WireError {
        message_id: Some(id.to_owned()),
        message_args: args,
        ..WireError::new(code, rendered)
    }
}

/// `INVALID_PARAMS` naming the offending field, with `message`.
pub fn invalid_params(field: Option<&str>, message: Text) -> WireError {
    let rendered = english(&message);
    let (id, args) = message.into_parts();
    WireError {
        message_id: Some(id.to_owned()),
        message_args: args,
        ..WireError::invalid_params(field, rendered)
    }
}

/// The texts of a wire error the agent adds after making it.
pub trait WireErrorTexts {
    /// Sets what to do about it.
    fn remediation(self, remediation: Text) -> Self;
}

impl WireErrorTexts for WireError {
    fn remediation(mut self, remediation: Text) -> Self {
        self.remediation = Some(english(&remediation));
        let (id, args) = remediation.into_parts();
        self.remediation_id = Some(id.to_owned());
        self.remediation_args = args;
        self
    }
}

/// A field error of `field` with `message`.
pub fn field_error(field: String, code: &str, message: Text) -> FieldError {
    let rendered = english(&message);
    let (id, args) = message.into_parts();
    FieldError {
        field,
        code: code.to_owned(),
        message: rendered,
        message_id: Some(id.to_owned()),
        message_args: args,
    }
}

/// A warning `code` with `message`.
pub fn warning(code: &str, message: Text) -> Warning {
    let rendered = english(&message);
    let (id, args) = message.into_parts();
    Warning {
        code: code.to_owned(),
        message: rendered,
        message_id: Some(id.to_owned()),
        message_args: args,
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
/// `std::error::Error` for domain errors.
#[macro_export]
macro_rules! explained_error {
    ($($ty:ty),* $(,)?) => {$(
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&$crate::texts::english(&$crate::texts::Explain::message(self)))
            }
        }

        impl std::error::Error for $ty {}
    )*};
}

/// What a domain error says to a person.
pub trait Explain {
    /// What went wrong.
    fn message(&self) -> Text;
}

#[cfg(test)]
mod tests {
    use llm_agent_l10n::check_catalog;

    use super::*;

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
