//! How the agent's error responses read at this console. For a person, a validation error
//! lists every failing field, and a remediation names this console's flags and commands
//! rather than wire fields; each command says what its flags call the fields. Scripts
//! (`--json`) get the agent's error as it came.

use llm_agent_client::ClientError;
use llm_agent_client::protocol::methods::profiles::FieldError;
use llm_agent_client::protocol::{ErrorCode, WireError, value};

use crate::failure::Failure;
use crate::output::Output;

/// What a command's flags and arguments call the wire fields they give, where the names
/// differ: for `catalog upsert`, `display_name` is `--name`.
pub type FieldNames = fn(&str) -> Option<&'static str>;

/// The [`FieldNames`] of a command whose flags are named like the wire fields they give.
pub fn same_names(_field: &str) -> Option<&'static str> {
    None
}

/// The failure to report for `err`. For a person, a validation error lists every failing
/// field, the remediation names this console's flags and commands instead of wire fields,
/// and then says what `names` calls each field the error names; with `--json` the agent's
/// error is passed on as it came.
pub fn failure(err: ClientError, output: Output, names: FieldNames) -> Failure {
    if output.is_json() {
        return err.into();
    }
    match err {
        ClientError::Remote(mut wire) => {
            let named: Vec<String> = failing_fields(&wire)
                .iter()
                .filter_map(|field| names(field).map(|name| format!("`{field}` is {name}")))
                .collect();
            if let Some(remediation) = remediation(&wire) {
                wire.remediation = Some(remediation);
            }
            if !named.is_empty() {
                let here = format!("Here, {}.", named.join("; "));
                wire.remediation = Some(match wire.remediation.take() {
                    Some(remediation) => format!("{remediation}\n  {here}"),
                    None => here,
                });
            }
            ClientError::Remote(wire).into()
        }
        other => other.into(),
    }
}

/// The fields an `INVALID_PARAMS` or `VALIDATION_ERROR` names, each once, without
/// indices (`extra_endpoints[2]` is `extra_endpoints`).
fn failing_fields(wire: &WireError) -> Vec<String> {
    let Some(details) = wire.details.as_ref() else {
        return Vec::new();
    };
    let mut fields: Vec<String> = match &wire.code {
        ErrorCode::InvalidParams => details["field"]
            .as_str()
            .map(str::to_owned)
            .into_iter()
            .collect(),
        ErrorCode::ValidationError => value::from_value::<Vec<FieldError>>(details)
            .map(|errors| errors.into_iter().map(|error| error.field).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    for field in &mut fields {
        if let Some(bracket) = field.find('[') {
            field.truncate(bracket);
        }
    }
    fields.dedup();
    fields
}

/// The remediation for a person at this console, when it differs from the agent's.
/// Continuation lines are indented to sit under the first, as `Output::failure` prints it.
fn remediation(wire: &WireError) -> Option<String> {
    let agents = wire.remediation.as_deref().unwrap_or_default();
    match &wire.code {
        ErrorCode::ValidationError => {
            let fields: Vec<FieldError> = value::from_value(wire.details.as_ref()?).ok()?;
            let mut lines: Vec<_> = fields
                .iter()
                .map(|field| format!("{}: {}", field.field, field.message))
                .collect();
            let mut flags: Vec<_> = fields.iter().filter_map(|f| flag_for(&f.field)).collect();
            flags.dedup();
            if !flags.is_empty() {
                lines.push(format!("Here, {}.", flags.join("; ")));
            }
            (!fields.is_empty()).then(|| lines.join("\n  "))
        }
        ErrorCode::NameConflict => {
            let conflicting = wire.details.as_ref()?["conflicting_id"].as_str()?;
            Some(format!("{agents}\n  The name is taken by {conflicting}."))
        }
        ErrorCode::ConsentRequired => Some(
            "Ask the learner whether they agree to send their prompts to this server; if they \
             do, run the command again with --consent."
                .to_owned(),
        ),
        ErrorCode::SuccessorRequired => Some(
            "Name the profile that becomes active instead: --successor ID \
             (`llm-console profiles list` shows the ids)."
                .to_owned(),
        ),
        ErrorCode::SafeStorageKeyMissing => Some(format!(
            "{agents}\n  Here: `llm-console profiles reset-secrets`, then \
             `llm-console profiles update ID --with-api-key` for each profile."
        )),
        _ => None,
    }
}

/// What gives a wire field whose flag is not named like it.
fn flag_for(field: &str) -> Option<&'static str> {
    match field.rsplit('.').next()? {
        "api_key" => Some("--with-api-key asks for the key"),
        "consent_granted_at" => Some("--consent records the learner's agreement"),
        _ => None,
    }
}

/// Error responses as the agent words them, and how a person is told them, for the tests
/// of the commands that tell them.
#[cfg(test)]
pub mod fixtures {
    use super::*;

    /// A `VALIDATION_ERROR` with a [`FieldError`] for each `(field, code, message)`.
    pub fn validation_error(fields: &[(&str, &str, &str)]) -> WireError {
        let errors: Vec<FieldError> = fields
            .iter()
            .map(|&(field, code, message)| FieldError {
                field: field.into(),
                code: code.into(),
                message: message.into(),
                ..Default::default()
            })
            .collect();
        let message = format!("{} field(s) need attention", errors.len());
        let details = value::to_value(&errors).unwrap();
        WireError::new(ErrorCode::ValidationError, message).with_details(details)
    }

    /// How a person is told `wire` by a command whose flags `names` calls the fields.
    pub fn told(wire: WireError, names: FieldNames) -> Failure {
        failure(ClientError::Remote(wire), Output::new(false), names)
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{told, validation_error};
    use super::*;

    fn remote(wire: WireError) -> Failure {
        told(wire, same_names)
    }

    #[test]
    fn a_validation_error_lists_every_failing_field() {
        let wire = validation_error(&[
            ("name", "required", "Give the profile a name."),
            ("endpoint", "invalid", "Use an http or https URL."),
            ("patch.api_key", "required", "openai needs an API key."),
        ])
        .with_remediation("Fix each field listed in details, then try again.");
        let details = wire.details.clone().unwrap();
        let failure = remote(wire.clone());
        assert_eq!(failure.code(), "VALIDATION_ERROR");
        assert_eq!(failure.message(), "3 field(s) need attention");
        assert_eq!(
            failure.remediation(),
            Some(
                "name: Give the profile a name.\n  \
                 endpoint: Use an http or https URL.\n  \
                 patch.api_key: openai needs an API key.\n  \
                 Here, --with-api-key asks for the key."
            )
        );
        // Scripts get the agent's error untouched.
        let json = super::failure(ClientError::Remote(wire), Output::new(true), same_names);
        assert_eq!(
            json.remediation(),
            Some("Fix each field listed in details, then try again.")
        );
        assert_eq!(json.wire_error().unwrap().details, Some(details));
    }

    #[test]
    fn profile_errors_point_at_this_consoles_flags() {
        let consent = remote(WireError::new(ErrorCode::ConsentRequired, "not local"));
        assert!(consent.remediation().unwrap().contains("--consent"));

        let conflict = WireError::new(ErrorCode::NameConflict, "taken")
            .with_remediation("Choose another name.")
            .with_details(rmpv::Value::Map(vec![
                ("field".into(), "name".into()),
                ("conflicting_id".into(), "id-1".into()),
            ]));
        assert_eq!(
            remote(conflict).remediation(),
            Some("Choose another name.\n  The name is taken by id-1.")
        );

        let successor = remote(WireError::new(ErrorCode::SuccessorRequired, "active"));
        assert!(successor.remediation().unwrap().contains("--successor ID"));

        let other = remote(WireError::new(ErrorCode::Busy, "busy").with_remediation("wait"));
        assert_eq!(other.remediation(), Some("wait"));
    }
}
