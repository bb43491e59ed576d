//! The rules every create and update must pass.
//!
//! Validation collects every failing field before it answers, with a message a learner
//! can act on. Rules that are their own error (a name taken, consent missing) are
//! checked once every field is valid, by the vault's mutations.

use std::collections::BTreeMap;

// Bounds keep the largest possible profile near 25 KiB, so MAX_PROFILES of them fit in
// one frame of profiles.list.
use llm_agent_l10n::Text;
use llm_agent_protocol::methods::profiles::{
    CreateParams, FieldError, PROVIDERS, ProfileMetadata, ProfilePatch,
};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::profile::{MAX_PARALLELISM, PARALLELISM_OPTION, StoredProfile, parallelism};
use super::secret::ApiKey;
use crate::endpoint::{BaseUrl, BaseUrlProblem, Location};
use crate::provider_kind::ProviderKind;
use crate::texts::{self, messages};

pub const NAME_MAX_CHARS: usize = 80;
pub const MODEL_MAX_CHARS: usize = 200;
pub const API_KEY_MAX_BYTES: usize = 4096;
pub const LABELS_MAX: usize = 16;
pub const LABEL_MAX_CHARS: usize = 32;
pub const NOTES_MAX_CHARS: usize = 1000;
pub const OPTIONS_MAX: usize = 16;
pub const OPTION_KEY_MAX_CHARS: usize = 64;
pub const OPTION_VALUE_MAX_CHARS: usize = 256;
/// How far in the future a consent time may lie (clock skew between processes).
const CONSENT_SKEW: time::Duration = time::Duration::minutes(5);
/// Options Azure OpenAI cannot work without.
const AZURE_REQUIRED_OPTIONS: &[&str] = &["deployment", "api_version"];

/// A create or update whose every field is valid.
#[derive(Debug)]
pub struct Draft {
    pub name: String,
    pub provider: String,
    pub endpoint: String,
    pub model: String,
    pub metadata: ProfileMetadata,
    /// Normalized RFC 3339 (UTC), if given.
    pub consent_granted_at: Option<String>,
    pub is_local: bool,
}

/// The fields of a profile before validation, from a create or from an update merged
/// onto the stored profile. `prefix` names them as the caller sent them (`patch.`).
pub struct Candidate<'a> {
    pub prefix: &'a str,
    pub name: &'a str,
    pub provider: &'a str,
    pub endpoint: &'a str,
    pub model: &'a str,
    pub metadata: &'a ProfileMetadata,
    pub consent_granted_at: Option<&'a str>,
    /// Whether the profile will hold a key after this change.
    pub will_have_key: bool,
}

/// Collects field errors in the order fields are checked.
struct Problems<'a> {
    prefix: &'a str,
    list: Vec<FieldError>,
}

impl Problems<'_> {
    fn add(&mut self, field: &str, code: &str, message: Text) {
        self.list.push(texts::field_error(
            format!("{}{field}", self.prefix),
            code,
            message,
        ));
    }
}

/// Validates a candidate profile. `Err` lists every failing field.
pub fn validate(candidate: &Candidate<'_>) -> Result<Draft, Vec<FieldError>> {
    let mut problems = Problems {
        prefix: candidate.prefix,
        list: Vec::new(),
    };
    let name = candidate.name.trim();
    check_text(
        &mut problems,
        "name",
        name,
        NAME_MAX_CHARS,
        messages::field_name_required(),
    );

    let provider = candidate.provider.trim();
    if provider.is_empty() {
        problems.add(
            "provider",
            "required",
            messages::field_provider_required(PROVIDERS.join(", ")),
        );
    } else if ProviderKind::from_wire(provider).is_none() {
        problems.add(
            "provider",
            "unsupported",
            messages::field_provider_unknown(PROVIDERS.join(", ")),
        );
    }

    let endpoint = check_endpoint(&mut problems, candidate.endpoint);

    let model = candidate.model.trim();
    check_text(
        &mut problems,
        "model",
        model,
        MODEL_MAX_CHARS,
        messages::field_model_required(),
    );

    if ProviderKind::from_wire(provider).is_some_and(ProviderKind::needs_key)
        && !candidate.will_have_key
    {
        problems.add(
            "api_key",
            "required",
            messages::field_api_key_required(provider),
        );
    }

    let consent = candidate
        .consent_granted_at
        .and_then(|text| check_consent(&mut problems, text));
    check_metadata(&mut problems, candidate.metadata, provider);

    let Some(BaseUrl {
        text: endpoint,
        location: Location { is_local, .. },
    }) = endpoint
    else {
        return Err(problems.list);
    };
    if !is_local
        && consent.is_none()
        && candidate.consent_granted_at.is_none()
        && !problems.list.is_empty()
    {
        problems.add(
            "consent_granted_at",
            "consent_required",
            messages::field_consent_required(),
        );
    }
    if !problems.list.is_empty() {
        return Err(problems.list);
    }
    let mut metadata = candidate.metadata.clone();
    for label in &mut metadata.labels {
        *label = label.trim().to_owned();
    }
    Ok(Draft {
        name: name.to_owned(),
        provider: provider.to_owned(),
        endpoint,
        model: model.to_owned(),
        metadata,
        consent_granted_at: consent,
        is_local,
    })
}

fn check_text(problems: &mut Problems<'_>, field: &str, value: &str, max: usize, hint: Text) {
    if value.is_empty() {
        problems.add(field, "required", hint);
    } else if value.chars().count() > max {
        problems.add(field, "too_long", messages::field_too_long(max));
    } else if value.chars().any(char::is_control) {
        problems.add(field, "invalid", messages::field_control_characters());
    }
}

/// Checks an endpoint; on success, the URL as the agent calls it (what is stored and
/// shown) and where it points.
fn check_endpoint(problems: &mut Problems<'_>, endpoint: &str) -> Option<BaseUrl> {
    const FIELD: &str = "endpoint";
    let (code, message) = match BaseUrl::parse(endpoint) {
        Ok(base) => return Some(base),
        Err(BaseUrlProblem::Empty) => ("required", messages::field_endpoint_required()),
        Err(BaseUrlProblem::TooLong { max }) => ("too_long", messages::field_too_long(max)),
        Err(BaseUrlProblem::ControlCharacter) => {
            ("invalid", messages::field_endpoint_control_characters())
        }
        Err(BaseUrlProblem::NotAUrl { reason }) => {
            ("invalid", messages::field_endpoint_not_a_url(reason))
        }
        Err(BaseUrlProblem::NotHttp) => ("invalid", messages::field_endpoint_not_http()),
        Err(BaseUrlProblem::Credentials) => ("not_allowed", messages::field_endpoint_credentials()),
        Err(BaseUrlProblem::QueryOrFragment) => {
            ("invalid", messages::field_endpoint_query_or_fragment())
        }
        Err(BaseUrlProblem::NoHost) => ("invalid", messages::field_endpoint_no_host()),
    };
    problems.add(FIELD, code, message);
    None
}

fn check_consent(problems: &mut Problems<'_>, text: &str) -> Option<String> {
    const FIELD: &str = "consent_granted_at";
    match OffsetDateTime::parse(text.trim(), &Rfc3339) {
        Ok(at) if at > OffsetDateTime::now_utc() + CONSENT_SKEW => {
            problems.add(FIELD, "invalid", messages::field_consent_in_future());
            None
        }
        Ok(at) => at.to_offset(time::UtcOffset::UTC).format(&Rfc3339).ok(),
        Err(_) => {
            problems.add(FIELD, "invalid", messages::field_consent_not_a_time());
            None
        }
    }
}

fn check_metadata(problems: &mut Problems<'_>, metadata: &ProfileMetadata, provider: &str) {
    if metadata.labels.len() > LABELS_MAX {
        problems.add(
            "metadata.labels",
            "too_long",
            messages::field_too_many_labels(LABELS_MAX),
        );
    }
    for (i, label) in metadata.labels.iter().enumerate() {
        let label = label.trim();
        if label.is_empty()
            || label.chars().count() > LABEL_MAX_CHARS
            || label.chars().any(char::is_control)
        {
            problems.add(
                &format!("metadata.labels[{i}]"),
                "invalid",
                messages::field_label_invalid(LABEL_MAX_CHARS),
            );
        }
    }
    if let Some(notes) = &metadata.notes
        && notes.chars().count() > NOTES_MAX_CHARS
    {
        problems.add(
            "metadata.notes",
            "too_long",
            messages::field_too_long(NOTES_MAX_CHARS),
        );
    }
    check_options(problems, &metadata.options);
    if metadata.options.contains_key(PARALLELISM_OPTION) && parallelism(&metadata.options).is_none()
    {
        problems.add(
            &format!("metadata.options.{PARALLELISM_OPTION}"),
            "invalid",
            messages::field_parallelism_invalid(MAX_PARALLELISM),
        );
    }
    if provider == "azure_openai" {
        for option in AZURE_REQUIRED_OPTIONS {
            if metadata
                .options
                .get(*option)
                .is_none_or(|v| v.trim().is_empty())
            {
                problems.add(
                    &format!("metadata.options.{option}"),
                    "required",
                    messages::field_azure_option_required(*option),
                );
            }
        }
    }
}

fn check_options(problems: &mut Problems<'_>, options: &BTreeMap<String, String>) {
    if options.len() > OPTIONS_MAX {
        problems.add(
            "metadata.options",
            "too_long",
            messages::field_too_many_options(OPTIONS_MAX),
        );
    }
    for (key, value) in options {
        let key_ok = !key.is_empty()
            && key.chars().count() <= OPTION_KEY_MAX_CHARS
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if !key_ok {
            problems.add(
                "metadata.options",
                "invalid",
                messages::field_option_name_invalid(OPTION_KEY_MAX_CHARS),
            );
        } else if value.chars().count() > OPTION_VALUE_MAX_CHARS
            || value.chars().any(char::is_control)
        {
            problems.add(
                &format!("metadata.options.{key}"),
                "invalid",
                messages::field_option_value_invalid(OPTION_VALUE_MAX_CHARS),
            );
        }
    }
}

/// Checks an API key's shape (never its value against anything).
pub fn check_api_key(key: &str, field: &str) -> Result<ApiKey, FieldError> {
    let problem = if key.is_empty() {
        Some(("required", messages::field_api_key_empty()))
    } else if key.len() > API_KEY_MAX_BYTES {
        Some(("too_long", messages::field_api_key_too_long()))
    } else if key.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Some(("invalid", messages::field_api_key_whitespace()))
    } else {
        None
    };
    match problem {
        Some((code, message)) => Err(texts::field_error(field.to_owned(), code, message)),
        None => Ok(ApiKey::new(key.to_owned())),
    }
}

/// The candidate of a create.
pub fn create_candidate<'a>(
    params: &'a CreateParams,
    metadata: &'a ProfileMetadata,
) -> Candidate<'a> {
    Candidate {
        prefix: "",
        name: &params.name,
        provider: &params.provider,
        endpoint: &params.endpoint,
        model: &params.model,
        metadata,
        consent_granted_at: params.consent_granted_at.as_deref(),
        will_have_key: params.api_key.is_some(),
    }
}

/// The candidate of an update: the patch merged onto the stored profile. Whether the
/// key survives depends on the endpoint's origin, which the caller decides.
pub fn update_candidate<'a>(
    stored: &'a StoredProfile,
    patch: &'a ProfilePatch,
    metadata: &'a ProfileMetadata,
    consent: Option<&'a str>,
    will_have_key: bool,
) -> Candidate<'a> {
    Candidate {
        prefix: "patch.",
        name: patch.name.as_deref().unwrap_or(&stored.name),
        provider: patch.provider.as_deref().unwrap_or(&stored.provider),
        endpoint: patch.endpoint.as_deref().unwrap_or(&stored.endpoint),
        model: patch.model.as_deref().unwrap_or(&stored.model),
        metadata,
        consent_granted_at: consent,
        will_have_key,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(provider: &str, endpoint: &str) -> CreateParams {
        CreateParams {
            name: "Local Llama".into(),
            provider: provider.into(),
            endpoint: endpoint.into(),
            model: "llama3.2".into(),
            ..Default::default()
        }
    }

    fn check(params: &CreateParams) -> Result<Draft, Vec<FieldError>> {
        let metadata = params.metadata.clone().unwrap_or_default();
        validate(&create_candidate(params, &metadata))
    }

    fn fields(errors: &[FieldError]) -> Vec<(&str, &str)> {
        errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect()
    }

    #[test]
    fn a_local_profile_is_valid_and_normalized() {
        let draft = check(&params("ollama", " http://127.0.0.1:11434/ ")).unwrap();
        assert_eq!(draft.endpoint, "http://127.0.0.1:11434");
        assert!(draft.is_local);
        for local in [
            "http://localhost:8080",
            "http://[::1]:8000",
            "http://127.9.9.9",
            "http://ollama.localhost",
        ] {
            assert!(check(&params("ollama", local)).unwrap().is_local, "{local}");
        }
        for remote in [
            "https://api.openai.com/v1",
            "http://192.168.1.5:11434",
            "http://0.0.0.0:1",
            "http://localhost.example.com",
        ] {
            let mut p = params("ollama", remote);
            p.consent_granted_at = Some("2026-01-01T00:00:00Z".into());
            assert!(!check(&p).unwrap().is_local, "{remote}");
        }
    }

    #[test]
    fn every_failing_field_is_reported_at_once() {
        let p = CreateParams {
            name: "   ".into(),
            provider: "skynet".into(),
            endpoint: "ftp://example.com".into(),
            model: "m\nodel".into(),
            ..Default::default()
        };
        let errors = check(&p).unwrap_err();
        assert_eq!(
            fields(&errors),
            [
                ("name", "required"),
                ("provider", "unsupported"),
                ("endpoint", "invalid"),
                ("model", "invalid")
            ]
        );
        assert!(errors.iter().all(|e| !e.message.is_empty()));
    }

    #[test]
    fn remote_endpoints_need_consent_which_is_reported_with_other_problems() {
        let mut p = params("openai", "https://api.openai.com/v1");
        p.api_key = Some("sk-x".into());
        // Only consent missing: not a field error here; the vault answers CONSENT_REQUIRED.
        assert!(check(&p).is_ok_and(|d| !d.is_local && d.consent_granted_at.is_none()));
        p.name = String::new();
        assert_eq!(
            fields(&check(&p).unwrap_err()),
            [
                ("name", "required"),
                ("consent_granted_at", "consent_required")
            ]
        );
    }

    #[test]
    fn keys_are_required_where_the_provider_needs_one() {
        let mut p = params("anthropic", "https://api.anthropic.com");
        p.consent_granted_at = Some("2026-01-01T00:00:00+02:00".into());
        assert_eq!(fields(&check(&p).unwrap_err()), [("api_key", "required")]);
        p.api_key = Some("sk-ant".into());
        assert_eq!(
            check(&p).unwrap().consent_granted_at.as_deref(),
            Some("2025-12-31T22:00:00Z")
        );
    }

    #[test]
    fn endpoint_rules() {
        for (endpoint, code) in [
            ("", "required"),
            ("not a url", "invalid"),
            ("http://user:pw@127.0.0.1", "not_allowed"),
            ("http://127.0.0.1/?key=1", "invalid"),
            ("file:///etc/passwd", "invalid"),
        ] {
            assert_eq!(
                fields(&check(&params("ollama", endpoint)).unwrap_err()),
                [("endpoint", code)],
                "{endpoint}"
            );
        }
    }

    #[test]
    fn consent_must_be_a_past_rfc3339_time() {
        let mut p = params("ollama", "http://127.0.0.1:11434");
        p.consent_granted_at = Some("yesterday".into());
        assert_eq!(
            fields(&check(&p).unwrap_err()),
            [("consent_granted_at", "invalid")]
        );
        p.consent_granted_at = Some("2999-01-01T00:00:00Z".into());
        assert_eq!(
            fields(&check(&p).unwrap_err()),
            [("consent_granted_at", "invalid")]
        );
    }

    #[test]
    fn metadata_is_bounded_and_azure_needs_its_options() {
        let mut p = params("azure_openai", "https://x.openai.azure.com");
        p.api_key = Some("k".into());
        p.consent_granted_at = Some("2026-01-01T00:00:00Z".into());
        p.metadata = Some(ProfileMetadata {
            labels: vec!["ok".into(), "".into()],
            notes: Some("n".repeat(NOTES_MAX_CHARS + 1)),
            options: [
                ("api_version".to_owned(), "2024-10-21".to_owned()),
                ("bad key".to_owned(), "v".to_owned()),
                ("parallelism".to_owned(), "0".to_owned()),
            ]
            .into(),
        });
        assert_eq!(
            fields(&check(&p).unwrap_err()),
            [
                ("metadata.labels[1]", "invalid"),
                ("metadata.notes", "too_long"),
                ("metadata.options", "invalid"),
                ("metadata.options.parallelism", "invalid"),
                ("metadata.options.deployment", "required"),
            ]
        );
    }

    #[test]
    fn api_key_shape() {
        assert!(check_api_key("sk-abc", "api_key").is_ok());
        assert_eq!(check_api_key("", "api_key").unwrap_err().code, "required");
        assert_eq!(
            check_api_key("sk abc", "api_key").unwrap_err().code,
            "invalid"
        );
        assert_eq!(
            check_api_key(&"k".repeat(5000), "api_key")
                .unwrap_err()
                .code,
            "too_long"
        );
    }
}
