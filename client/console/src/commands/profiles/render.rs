//! How profiles, their changes and the agent's profile errors read for a person.

use llm_agent_client::ClientError;
use llm_agent_client::protocol::methods::profiles::{
    ActivateResult, DeleteResult, FieldError, ListResult, ProfileResult, RedactedProfile,
    ResetSecretsResult,
};
use llm_agent_client::protocol::safe_storage::{SafeStorageState, SafeStorageStatus, StoreStatus};
use llm_agent_client::protocol::{ErrorCode, WireError, value};

use crate::failure::Failure;
use crate::output::Output;
use crate::table::{key_values, table};

pub const RESET_SECRETS_QUESTION: &str = "This drops every stored API key that can no longer \
    be decrypted. The profiles stay; give them their keys again afterwards. Continue?";

const HEADERS: [&str; 7] = [
    "NAME", "PROVIDER", "MODEL", "ENDPOINT", "KEY", "ACTIVE", "ID",
];

/// The mark in the ACTIVE column.
const ACTIVE_MARK: &str = "*";

/// The profiles as a table, then the state of safe storage and of the profile file.
/// `provider` is the filter the list was asked for.
pub fn list(result: &ListResult, provider: Option<&str>) -> String {
    let mut lines = Vec::new();
    if result.profiles.is_empty() {
        lines.push(match provider {
            Some(provider) => format!("no profiles of provider {provider}"),
            None => "no profiles; create one with `llm-console profiles create`".to_owned(),
        });
    } else {
        let rows: Vec<_> = result.profiles.iter().map(row).collect();
        lines.push(table(&HEADERS, &rows));
    }
    lines.extend(storage_lines(&result.safe_storage, &result.store));
    lines.join("\n")
}

fn row(profile: &RedactedProfile) -> Vec<String> {
    vec![
        profile.name.clone(),
        profile.provider.clone(),
        profile.model.clone(),
        profile.endpoint.clone(),
        key(profile).unwrap_or_else(|| "-".into()),
        if profile.active { ACTIVE_MARK } else { "" }.to_owned(),
        profile.id.clone(),
    ]
}

/// The key's hint, `set` for a key without one, or `None` without a key.
fn key(profile: &RedactedProfile) -> Option<String> {
    match (&profile.api_key_hint, profile.has_api_key) {
        (Some(hint), _) => Some(hint.clone()),
        (None, true) => Some("set".into()),
        (None, false) => None,
    }
}

/// Safe storage and the profile file, each on a line; when safe storage is not available,
/// why and what to do under it.
pub(crate) fn storage_lines(safe_storage: &SafeStorageStatus, store: &StoreStatus) -> Vec<String> {
    let mut lines = vec![format!("safe storage: {}", state(safe_storage.state))];
    if safe_storage.state != SafeStorageState::Available {
        let why = [&safe_storage.reason, &safe_storage.remediation];
        lines.extend(why.into_iter().flatten().map(|text| format!("  {text}")));
    }
    lines.push(match (store.writable, &store.problem) {
        (true, _) => "profile file: writable".to_owned(),
        (false, Some(problem)) => format!("profile file: read-only ({problem})"),
        (false, None) => "profile file: read-only".to_owned(),
    });
    lines
}

fn state(state: SafeStorageState) -> &'static str {
    match state {
        SafeStorageState::Available => "available",
        SafeStorageState::NotInitialized => "not yet initialized (the first API key sets it up)",
        SafeStorageState::Unavailable => "unavailable",
        SafeStorageState::KeyMissing => "key missing",
        SafeStorageState::Unknown => "not checked yet",
        SafeStorageState::Other => "in a state this console does not know",
    }
}

/// One profile as aligned `key value` lines.
pub fn profile(profile: &RedactedProfile) -> String {
    let metadata = &profile.metadata;
    let mut pairs = vec![
        ("name", profile.name.clone()),
        ("id", profile.id.clone()),
        ("provider", profile.provider.clone()),
        ("endpoint", profile.endpoint.clone()),
        ("model", profile.model.clone()),
        ("api key", key(profile).unwrap_or_else(|| "none".into())),
        (
            "consent",
            profile
                .consent_granted_at
                .as_ref()
                .map_or_else(|| "not given".into(), |at| format!("given {at}")),
        ),
        (
            "active",
            if profile.active { "yes" } else { "no" }.to_owned(),
        ),
        ("created", profile.created_at.clone()),
        ("updated", profile.updated_at.clone()),
    ];
    if !metadata.labels.is_empty() {
        pairs.push(("labels", metadata.labels.join(", ")));
    }
    if let Some(notes) = &metadata.notes {
        pairs.push(("notes", notes.clone()));
    }
    if !metadata.options.is_empty() {
        let options: Vec<_> = metadata
            .options
            .iter()
            .map(|(key, value)| format!("{key}={value}"))
            .collect();
        pairs.push(("options", options.join(", ")));
    }
    indented_key_values(&pairs)
}

/// Like [`key_values`], with the lines of a value that has several (notes) under its
/// first.
fn indented_key_values(pairs: &[(&str, String)]) -> String {
    let width = pairs.iter().map(|(key, _)| key.chars().count()).max();
    let indent = format!("\n{}", " ".repeat(width.unwrap_or(0) + 2));
    let pairs: Vec<_> = pairs
        .iter()
        .map(|(key, value)| (*key, value.lines().collect::<Vec<_>>().join(&indent)))
        .collect();
    key_values(&pairs)
}

/// A created or updated profile: what happened, then the profile.
pub fn change(done: &str, result: &ProfileResult) -> String {
    let profile = &result.profile;
    let active = if profile.active {
        "; it is the active profile"
    } else {
        ""
    };
    format!(
        "{done} {:?}{active}\n{}",
        profile.name,
        self::profile(profile)
    )
}

pub fn deleted(result: &DeleteResult) -> String {
    let active = match &result.active_id {
        Some(id) => format!("active profile: {id}"),
        None => "no profile is left, so none is active".to_owned(),
    };
    format!("deleted {}\n{active}", result.deleted_id)
}

pub fn activated(result: &ActivateResult) -> String {
    if !result.changed {
        return format!("{} is already active", result.active_id);
    }
    let previous = result.previous_active_id.as_deref().unwrap_or("(none)");
    format!("{previous} -> {}", result.active_id)
}

pub fn reset_secrets(result: &ResetSecretsResult) -> String {
    let mut lines = match result.cleared_ids.len() {
        0 => vec!["no stored API key needed clearing".to_owned()],
        n => {
            let mut lines = vec![format!(
                "cleared the API keys of {n} profile(s); give them new ones with \
                 `llm-console profiles update ID --with-api-key`:"
            )];
            lines.extend(result.cleared_ids.iter().map(|id| format!("  {id}")));
            lines
        }
    };
    lines.push(format!(
        "safe storage: {}",
        state(result.safe_storage.state)
    ));
    lines.join("\n")
}

/// The failure to report for `err`. For a person, a profile error's remediation names
/// this console's flags instead of wire fields, and a validation error lists every
/// failing field; with `--json` the agent's error is passed on as it came.
pub fn failure(err: ClientError, output: Output) -> Failure {
    if output.is_json() {
        return err.into();
    }
    match err {
        ClientError::Remote(mut wire) => {
            if let Some(remediation) = remediation(&wire) {
                wire.remediation = Some(remediation);
            }
            ClientError::Remote(wire).into()
        }
        other => other.into(),
    }
}

/// The failure to report for an error response of a command whose flags and arguments
/// are not named like the wire fields: as [`failure`] reports it (every failing field of
/// a validation error listed), then for a person what `console_name` calls each field the
/// error names.
pub fn failure_naming_fields(
    err: ClientError,
    output: Output,
    console_name: fn(&str) -> Option<&'static str>,
) -> Failure {
    let fields = match err.wire_error() {
        Some(wire) if !output.is_json() => failing_fields(wire),
        _ => Vec::new(),
    };
    let mut failure = failure(err, output);
    let named: Vec<String> = fields
        .iter()
        .filter_map(|field| console_name(field).map(|name| format!("`{field}` is {name}")))
        .collect();
    if !named.is_empty()
        && let Failure::Client(err) = &mut failure
        && let ClientError::Remote(wire) = err.as_mut()
    {
        let here = format!("Here, {}.", named.join("; "));
        wire.remediation = Some(match wire.remediation.take() {
            Some(remediation) => format!("{remediation}\n  {here}"),
            None => here,
        });
    }
    failure
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

#[cfg(test)]
mod tests {
    use llm_agent_client::protocol::methods::profiles::ProfileMetadata;

    use super::*;

    fn profile(name: &str, active: bool, hint: Option<&str>) -> RedactedProfile {
        RedactedProfile {
            id: format!("id-{name}"),
            name: name.into(),
            provider: "ollama".into(),
            endpoint: "http://127.0.0.1:11434".into(),
            model: "llama3.2".into(),
            has_api_key: hint.is_some(),
            api_key_hint: hint.map(Into::into),
            consent_granted_at: None,
            created_at: "2025-01-01T00:00:00Z".into(),
            updated_at: "2025-01-02T00:00:00Z".into(),
            active,
            metadata: ProfileMetadata::default(),
        }
    }

    fn available() -> SafeStorageStatus {
        SafeStorageStatus {
            state: SafeStorageState::Available,
            reason: None,
            remediation: None,
        }
    }

    fn writable() -> StoreStatus {
        StoreStatus {
            writable: true,
            problem: None,
        }
    }

    #[test]
    fn the_list_is_a_table_then_the_storage_state() {
        let result = ListResult {
            profiles: vec![
                profile("Local", true, None),
                profile("Cloud", false, Some("...a1b2")),
            ],
            active_id: Some("id-Local".into()),
            safe_storage: available(),
            store: writable(),
            elapsed_us: 10,
        };
        assert_eq!(
            list(&result, None),
            "\
NAME   PROVIDER  MODEL     ENDPOINT                KEY      ACTIVE  ID
Local  ollama    llama3.2  http://127.0.0.1:11434  -        *       id-Local
Cloud  ollama    llama3.2  http://127.0.0.1:11434  ...a1b2          id-Cloud
safe storage: available
profile file: writable"
        );
    }

    #[test]
    fn an_unwell_store_says_why_and_what_to_do() {
        let result = ListResult {
            profiles: Vec::new(),
            active_id: None,
            safe_storage: SafeStorageStatus {
                state: SafeStorageState::Unavailable,
                reason: Some("the OS keyring is locked".into()),
                remediation: Some("Unlock your keyring, then retry.".into()),
            },
            store: StoreStatus {
                writable: false,
                problem: Some("profiles.json is not valid JSON".into()),
            },
            elapsed_us: 10,
        };
        assert_eq!(
            list(&result, None),
            "\
no profiles; create one with `llm-console profiles create`
safe storage: unavailable
  the OS keyring is locked
  Unlock your keyring, then retry.
profile file: read-only (profiles.json is not valid JSON)"
        );
        let filtered = list(&result, Some("vllm"));
        assert!(
            filtered.starts_with("no profiles of provider vllm\n"),
            "{filtered}"
        );
    }

    #[test]
    fn a_profile_reads_as_aligned_lines() {
        let mut cloud = profile("Cloud", false, Some("...a1b2"));
        cloud.consent_granted_at = Some("2025-01-01T00:00:00Z".into());
        cloud.metadata = ProfileMetadata {
            labels: vec!["work".into(), "fast".into()],
            notes: Some("line one\nline two".into()),
            options: [("deployment".to_owned(), "gpt-4o".to_owned())].into(),
        };
        assert_eq!(
            super::profile(&cloud),
            "\
name      Cloud
id        id-Cloud
provider  ollama
endpoint  http://127.0.0.1:11434
model     llama3.2
api key   ...a1b2
consent   given 2025-01-01T00:00:00Z
active    no
created   2025-01-01T00:00:00Z
updated   2025-01-02T00:00:00Z
labels    work, fast
notes     line one
          line two
options   deployment=gpt-4o"
        );
        let local = super::profile(&profile("Local", true, None));
        assert!(local.contains("\napi key   none\n"), "{local}");
        assert!(local.contains("\nconsent   not given\n"), "{local}");
        assert!(local.contains("\nactive    yes\n"), "{local}");
    }

    #[test]
    fn activation_shows_the_change_or_that_there_was_none() {
        let changed = ActivateResult {
            active_id: "b".into(),
            previous_active_id: Some("a".into()),
            changed: true,
        };
        assert_eq!(activated(&changed), "a -> b");
        let unchanged = ActivateResult {
            active_id: "b".into(),
            previous_active_id: Some("b".into()),
            changed: false,
        };
        assert_eq!(activated(&unchanged), "b is already active");
    }

    fn remote(wire: WireError) -> Failure {
        failure(ClientError::Remote(wire), Output::new(false))
    }

    #[test]
    fn a_validation_error_lists_every_failing_field() {
        let details = value::to_value(&[
            FieldError {
                field: "name".into(),
                code: "required".into(),
                message: "Give the profile a name.".into(),
            },
            FieldError {
                field: "endpoint".into(),
                code: "invalid".into(),
                message: "Use an http or https URL.".into(),
            },
            FieldError {
                field: "patch.api_key".into(),
                code: "required".into(),
                message: "openai needs an API key.".into(),
            },
        ])
        .unwrap();
        let wire = WireError::new(ErrorCode::ValidationError, "3 field(s) need attention")
            .with_remediation("Fix each field listed in details, then try again.")
            .with_details(details.clone());
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
        let json = super::failure(ClientError::Remote(wire), Output::new(true));
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
