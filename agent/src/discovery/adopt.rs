//! Adopting a server discovery found: the profile a finding becomes. The provider is the
//! finding's kind; the model, unless given, its first loaded (else first) model; the
//! name, unless given, "<Kind> on <host:port>", numbered if a profile already has it.
//! The vault then creates it with the same rules as `profiles.create`.

use llm_agent_protocol::WireError;
use llm_agent_protocol::methods::discovery::{AdoptParams, Sweep};
use llm_agent_protocol::methods::profiles::{CreateParams, RedactedProfile};

use crate::provider_kind::ProviderKind;
use crate::texts::{self, messages};
use crate::vault::error::VaultError;

/// Why a finding cannot become a profile (before the vault's own rules).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdoptError {
    #[error("kind must be one of the kinds discovery reports (ollama, lm_studio, ...)")]
    UnknownKind,
    /// No model was named and the last sweep offers none for this server.
    #[error("no model to adopt")]
    NoModel { found: bool },
}

impl From<AdoptError> for WireError {
    fn from(err: AdoptError) -> Self {
        match err {
            AdoptError::UnknownKind => {
                texts::invalid_params(Some("kind"), messages::adopt_unknown_kind())
            }
            // Reported as a create's field error: the model is the profile's field.
            AdoptError::NoModel { found } => VaultError::Validation(vec![texts::field_error(
                "model".into(),
                "required",
                if found {
                    messages::adopt_no_model_listed()
                } else {
                    messages::adopt_not_found()
                },
            )])
            .into(),
        }
    }
}

/// The kind to adopt as, checked before anything else is asked.
pub fn kind(params: &AdoptParams) -> Result<ProviderKind, AdoptError> {
    ProviderKind::discoverable(params.kind.trim()).ok_or(AdoptError::UnknownKind)
}

/// The create a finding becomes, from the last sweep and the existing profiles.
pub fn profile_for(
    kind: ProviderKind,
    params: AdoptParams,
    last: Option<&Sweep>,
    profiles: &[RedactedProfile],
) -> Result<CreateParams, AdoptError> {
    let endpoint = params.endpoint.trim().trim_end_matches('/').to_owned();
    let finding = last.and_then(|sweep| {
        sweep
            .findings
            .iter()
            .find(|f| f.kind == kind.as_str() && f.endpoint.trim_end_matches('/') == endpoint)
    });
    let model = params.model.filter(|m| !m.trim().is_empty()).or_else(|| {
        let models = &finding?.models;
        models
            .iter()
            .find(|m| m.loaded == Some(true))
            .or(models.first())
            .map(|m| m.id.clone())
    });
    let Some(model) = model else {
        return Err(AdoptError::NoModel {
            found: finding.is_some(),
        });
    };
    let name = match params.name.filter(|n| !n.trim().is_empty()) {
        Some(name) => name,
        None => {
            let address = url::Url::parse(&endpoint)
                .ok()
                .and_then(|url| {
                    Some(format!(
                        "{}:{}",
                        url.host_str()?,
                        url.port_or_known_default()?
                    ))
                })
                .unwrap_or_else(|| endpoint.clone());
            unused_name(&format!("{} on {address}", kind.title()), profiles)
        }
    };
    Ok(CreateParams {
        name,
        provider: kind.as_str().to_owned(),
        endpoint,
        model,
        consent_granted_at: params.consent_granted_at,
        ..Default::default()
    })
}

/// `wanted`, or `wanted (2)`, `wanted (3)`, ... : the first no profile has (names are
/// unique regardless of case).
fn unused_name(wanted: &str, profiles: &[RedactedProfile]) -> String {
    let taken = |name: &str| {
        profiles
            .iter()
            .any(|p| p.name.to_lowercase() == name.to_lowercase())
    };
    if !taken(wanted) {
        return wanted.to_owned();
    }
    (2..)
        .map(|n| format!("{wanted} ({n})"))
        .find(|name| !taken(name))
        .unwrap_or_else(|| wanted.to_owned())
}

#[cfg(test)]
mod tests {
    use llm_agent_protocol::methods::discovery::{Finding, OfferedModel};

    use super::*;
    use crate::vault::profile::testing::redacted;

    fn sweep_with(kind: &str, endpoint: &str, models: &[(&str, Option<bool>)]) -> Sweep {
        Sweep {
            started_at: String::new(),
            trigger: "manual".into(),
            findings: vec![Finding {
                kind: kind.into(),
                endpoint: endpoint.into(),
                address: "127.0.0.1:1234".into(),
                port: 1234,
                also_reachable_at: Vec::new(),
                version: None,
                models: models
                    .iter()
                    .map(|(id, loaded)| OfferedModel {
                        id: (*id).into(),
                        size_bytes: None,
                        context_length: None,
                        loaded: *loaded,
                        quantization: None,
                    })
                    .collect(),
                latency_ms: 1,
                auth_required: false,
                conflicts: Vec::new(),
                ..Finding::default()
            }],
            errors: Vec::new(),
            probed: Vec::new(),
            elapsed_ms: 1,
            budget_ms: 800,
        }
    }

    fn named(name: &str) -> RedactedProfile {
        RedactedProfile {
            name: name.into(),
            ..redacted("lm_studio", "http://127.0.0.1:1234/v1")
        }
    }

    fn params(kind: &str, endpoint: &str) -> AdoptParams {
        AdoptParams {
            endpoint: endpoint.into(),
            kind: kind.into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_finding_becomes_a_profile_with_its_loaded_model_and_a_free_name() {
        let sweep = sweep_with(
            "lm_studio",
            "http://127.0.0.1:1234/v1",
            &[("a", Some(false)), ("b", Some(true))],
        );
        let adopt = params("lm_studio", " http://127.0.0.1:1234/v1/ ");
        let kind = kind(&adopt).unwrap();
        let taken = [named("lm studio ON 127.0.0.1:1234")];
        let create = profile_for(kind, adopt, Some(&sweep), &taken).unwrap();
        assert_eq!(create.provider, "lm_studio");
        assert_eq!(create.endpoint, "http://127.0.0.1:1234/v1");
        assert_eq!(create.model, "b", "the loaded one");
        assert_eq!(create.name, "LM Studio on 127.0.0.1:1234 (2)");
    }

    #[test]
    fn a_model_is_needed_when_the_sweep_offers_none() {
        let adopt = params("llama_cpp", "http://127.0.0.1:8080/v1");
        let kind = kind(&adopt).unwrap();
        assert_eq!(
            profile_for(kind, adopt.clone(), None, &[]),
            Err(AdoptError::NoModel { found: false })
        );
        let empty = sweep_with("llama_cpp", "http://127.0.0.1:8080/v1", &[]);
        assert_eq!(
            profile_for(kind, adopt.clone(), Some(&empty), &[]),
            Err(AdoptError::NoModel { found: true })
        );
        let named_model = AdoptParams {
            model: Some("mine".into()),
            name: Some("Mine".into()),
            ..adopt
        };
        let create = profile_for(kind, named_model, None, &[]).unwrap();
        assert_eq!(
            (create.model.as_str(), create.name.as_str()),
            ("mine", "Mine")
        );
    }

    #[test]
    fn only_kinds_discovery_reports_are_adopted() {
        assert_eq!(
            kind(&params("openai", "https://api.openai.com")),
            Err(AdoptError::UnknownKind)
        );
        assert_eq!(
            kind(&params(" openai_compatible ", "http://127.0.0.1:1")),
            Ok(ProviderKind::OpenAiCompatible)
        );
        let wire = WireError::from(AdoptError::NoModel { found: false });
        assert_eq!(wire.code, llm_agent_protocol::ErrorCode::ValidationError);
    }
}
