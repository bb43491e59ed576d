//! How profiles and their changes read for a person.

use llm_agent_client::protocol::methods::profiles::{
    ActivateResult, DeleteResult, ListResult, ProfileResult, RedactedProfile, ResetSecretsResult,
};
use llm_agent_client::protocol::safe_storage::{SafeStorageState, SafeStorageStatus, StoreStatus};

use crate::table::{key_values, table};
use crate::texts::{self, messages};

pub const RESET_SECRETS_QUESTION: &str = "This drops every stored API key that can no longer \
    be decrypted. The profiles stay; give them their keys again afterwards. Continue?";

/// The table's headers, in the console's language.
fn headers() -> [String; 7] {
    texts::headers([
        messages::header_name(),
        messages::header_provider(),
        messages::header_model(),
        messages::header_endpoint(),
        messages::header_key(),
        messages::header_active(),
        messages::header_id(),
    ])
}

/// The mark in the ACTIVE column.
const ACTIVE_MARK: &str = "*";

/// The profiles as a table, then the state of safe storage and of the profile file.
/// `provider` is the filter the list was asked for.
pub fn list(result: &ListResult, provider: Option<&str>) -> String {
    let mut lines = Vec::new();
    if result.profiles.is_empty() {
        lines.push(texts::render(&match provider {
            Some(provider) => messages::no_profiles_of_provider(provider),
            None => messages::no_profiles(),
        }));
    } else {
        let rows: Vec<_> = result.profiles.iter().map(row).collect();
        lines.push(table(&headers(), &rows));
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
    let mut lines = vec![texts::render(&messages::safe_storage_state(state(
        safe_storage.state,
    )))];
    if safe_storage.state != SafeStorageState::Available {
        let why = [&safe_storage.reason, &safe_storage.remediation];
        lines.extend(why.into_iter().flatten().map(|text| format!("  {text}")));
    }
    lines.push(texts::render(&match (store.writable, &store.problem) {
        (true, _) => messages::profile_file_writable(),
        (false, Some(problem)) => messages::profile_file_read_only(problem.as_str()),
        (false, None) => messages::profile_file_read_only_plain(),
    }));
    lines
}

/// The state as the catalogs select on it.
fn state(state: SafeStorageState) -> &'static str {
    match state {
        SafeStorageState::Available => "available",
        SafeStorageState::NotInitialized => "not_initialized",
        SafeStorageState::Unavailable => "unavailable",
        SafeStorageState::KeyMissing => "key_missing",
        SafeStorageState::Unknown => "unknown",
        SafeStorageState::Other => "other",
    }
}

/// Whether the learner agreed to send prompts to the profile's endpoint.
fn consent(profile: &RedactedProfile) -> String {
    texts::render(
        &match (&profile.consent_granted_at, &profile.consent_withdrawn_at) {
            (Some(at), _) => messages::consent_given(at.as_str()),
            (None, Some(at)) => messages::consent_withdrawn(at.as_str()),
            (None, None) => messages::consent_not_given(),
        },
    )
}

/// One profile as aligned `key value` lines.
pub fn profile(profile: &RedactedProfile) -> String {
    let metadata = &profile.metadata;
    let label = |text| texts::render(&text);
    let mut pairs = vec![
        (label(messages::label_name()), profile.name.clone()),
        (label(messages::label_id()), profile.id.clone()),
        (label(messages::label_provider()), profile.provider.clone()),
        (label(messages::label_endpoint()), profile.endpoint.clone()),
        (label(messages::label_model()), profile.model.clone()),
        (
            label(messages::label_api_key()),
            key(profile).unwrap_or_else(|| label(messages::key_none())),
        ),
        (label(messages::label_consent()), consent(profile)),
        (
            label(messages::label_active()),
            label(if profile.active {
                messages::yes()
            } else {
                messages::no()
            }),
        ),
        (label(messages::label_created()), profile.created_at.clone()),
        (label(messages::label_updated()), profile.updated_at.clone()),
    ];
    if !metadata.labels.is_empty() {
        pairs.push((label(messages::label_labels()), metadata.labels.join(", ")));
    }
    if let Some(notes) = &metadata.notes {
        pairs.push((label(messages::label_notes()), notes.clone()));
    }
    if !metadata.options.is_empty() {
        let options: Vec<_> = metadata
            .options
            .iter()
            .map(|(key, value)| format!("{key}={value}"))
            .collect();
        pairs.push((label(messages::label_options()), options.join(", ")));
    }
    indented_key_values(&pairs)
}

/// Like [`key_values`], with the lines of a value that has several (notes) under its
/// first.
fn indented_key_values(pairs: &[(String, String)]) -> String {
    let width = pairs.iter().map(|(key, _)| key.chars().count()).max();
    let indent = format!("\n{}", " ".repeat(width.unwrap_or(0) + 2));
    let pairs: Vec<_> = pairs
        .iter()
        .map(|(key, value)| {
            (
                key.as_str(),
                value.lines().collect::<Vec<_>>().join(&indent),
            )
        })
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
            consent_withdrawn_at: None,
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
            ..Default::default()
        }
    }

    fn writable() -> StoreStatus {
        StoreStatus {
            writable: true,
            problem: None,
            ..Default::default()
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
            revision: 0,
            health: Default::default(),
            ..Default::default()
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
                ..Default::default()
            },
            store: StoreStatus {
                writable: false,
                problem: Some("profiles.json is not valid JSON".into()),
                ..Default::default()
            },
            elapsed_us: 10,
            revision: 0,
            health: Default::default(),
            ..Default::default()
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
}
