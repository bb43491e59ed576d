//! `profiles.*`: reads answer from the vault's snapshot; writes go to the vault actor;
//! `profiles.test` is prepared by the prompt tests' rules and run by the calls actor;
//! `profiles.models` asks the profile's server.

use std::sync::Arc;
use std::time::Instant;

use llm_agent_protocol::WireError;
use llm_agent_protocol::methods::NoParams;
use llm_agent_protocol::methods::profiles::{
    ActivateResult, CreateParams, DeleteParams, DeleteResult, HealthResult, IdParams, ListParams,
    ModelsParams, ModelsResult, ProfileResult, RedactedProfile, ResetSecretsResult, TestOutcome,
    TestParams, UpdateParams,
};
use llm_agent_protocol::text::LocalizedText;
use serde::ser::{Serialize, SerializeMap, SerializeStruct, Serializer};

use crate::calls::models;
use crate::health::{self, Summaries};
use crate::ipc::call::Call;
use crate::ipc::elapsed;
use crate::ipc::encoded::EncodedResult;
use crate::ipc::error::RequestError;
use crate::prompt_test::{self, prepare};
use crate::texts;
use crate::vault::VaultSnapshot;
use crate::vault::actor::VaultMsg;
use crate::vault::error::VaultError;
use crate::vault::summary::accessible_summary;

/// Answers from the snapshot itself, never copying a profile; an unfiltered list of an
/// unchanged vault and unchanged health reuses the last list's encoding. Its
/// `elapsed_us` is stamped by the dispatcher once the frame is complete.
pub async fn list(call: &Call, params: ListParams) -> Result<EncodedResult, WireError> {
    let snapshot = call.state.vault.snapshot();
    let health = call.state.health.summaries();
    let unfiltered = params.provider.is_none();
    let locale = call.locale();
    let summaries = params.accessible_summaries;
    let view = ListView {
        snapshot: snapshot.clone(),
        health: health.clone(),
        provider: params.provider,
        summaries,
    };
    // Texts are written in English and rendered again for another language.
    let encode = || {
        rmp_serde::to_vec_named(&view)
            .map(|english| texts::relocalize_value(&english, locale).unwrap_or(english))
    };
    let encoded = if unfiltered {
        call.state
            .list_cache
            .get_or_encode(&snapshot, &health, (locale, summaries), encode)
    } else {
        encode().map(|bytes| EncodedResult(Arc::new(bytes)))
    };
    encoded.map_err(|err| {
        RequestError::Unencodable {
            reason: err.to_string(),
        }
        .into()
    })
}

/// A `profiles.list` result that borrows the vault snapshot and the health summaries.
/// It encodes exactly as [`ListResult`] does (a test pins the bytes), so clients cannot
/// tell them apart, with `elapsed_us` last, as the placeholder the dispatcher stamps.
pub struct ListView {
    snapshot: Arc<VaultSnapshot>,
    health: Arc<Summaries>,
    provider: Option<String>,
    /// Whether to write the accessible summaries.
    summaries: bool,
}

impl ListView {
    fn listed(&self) -> impl Iterator<Item = &RedactedProfile> {
        let provider = self.provider.as_deref();
        self.snapshot
            .profiles
            .iter()
            .filter(move |p| provider.is_none_or(|wanted| p.provider == wanted))
    }
}

impl Serialize for ListView {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let vault = &self.snapshot;
        let health: Vec<_> = self
            .listed()
            .filter_map(|p| self.health.get(&p.id).map(|summary| (&p.id, summary)))
            .collect();
        let summaries: Vec<(&String, LocalizedText)> = self
            .listed()
            .filter(|_| self.summaries)
            .map(|p| {
                let summary = accessible_summary(p, self.health.get(&p.id));
                (&p.id, texts::localized(&summary))
            })
            .collect();
        let fields = 5
            + usize::from(vault.active_id.is_some())
            + usize::from(!health.is_empty())
            + usize::from(!summaries.is_empty());
        let mut map = serializer.serialize_struct("ListResult", fields)?;
        map.serialize_field("profiles", &ProfilesOf(vault, self.provider.as_deref()))?;
        if let Some(active_id) = &vault.active_id {
            map.serialize_field("active_id", active_id)?;
        }
        map.serialize_field("safe_storage", &vault.safe_storage)?;
        map.serialize_field("store", &vault.store)?;
        map.serialize_field("revision", &vault.revision)?;
        if !health.is_empty() {
            map.serialize_field("health", &HealthOf(&health))?;
        }
        if !summaries.is_empty() {
            map.serialize_field("accessible_summaries", &ById(summaries))?;
        }
        map.serialize_field("elapsed_us", &elapsed::Placeholder)?;
        map.end()
    }
}

/// Values by profile id, in id order, as a map (as a `BTreeMap` encodes).
struct ById<'a, T>(Vec<(&'a String, T)>);

impl<T: Serialize> Serialize for ById<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut sorted: Vec<&(&String, T)> = self.0.iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(b.0));
        let mut map = serializer.serialize_map(Some(sorted.len()))?;
        for (id, value) in sorted {
            map.serialize_entry(id, value)?;
        }
        map.end()
    }
}

/// The listed profiles' summaries, in id order, as a map.
struct HealthOf<'a>(&'a [(&'a String, &'a llm_agent_protocol::health::HealthSummary)]);

impl Serialize for HealthOf<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut sorted = self.0.to_vec();
        sorted.sort_by(|a, b| a.0.cmp(b.0));
        let mut map = serializer.serialize_map(Some(sorted.len()))?;
        for (id, summary) in sorted {
            map.serialize_entry(id, summary)?;
        }
        map.end()
    }
}

/// The snapshot's profiles, optionally of one provider, as a sequence.
struct ProfilesOf<'a>(&'a VaultSnapshot, Option<&'a str>);

impl Serialize for ProfilesOf<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let ProfilesOf(vault, provider) = *self;
        match provider {
            None => serializer.collect_seq(&vault.profiles),
            Some(provider) => {
                let matching: Vec<&RedactedProfile> = vault
                    .profiles
                    .iter()
                    .filter(|p| p.provider == provider)
                    .collect();
                serializer.collect_seq(matching)
            }
        }
    }
}

pub async fn get(call: &Call, params: IdParams) -> Result<RedactedProfile, WireError> {
    let found = find(call, &params.id);
    found.ok_or_else(|| VaultError::NotFound { id: params.id }.into())
}

/// A profile's recent outcomes and their summary.
pub async fn health(call: &Call, params: IdParams) -> Result<HealthResult, WireError> {
    let Some(profile) = find(call, &params.id) else {
        return Err(VaultError::NotFound { id: params.id }.into());
    };
    let outcomes = call.state.health.history(&profile.id);
    Ok(HealthResult {
        summary: health::summary(&outcomes),
        profile_id: profile.id,
        outcomes,
    })
}

/// The profile `id` names in the latest snapshot, named in the call's event when found.
/// Ids are compared as UUIDs, as every write does, not as text.
fn find(call: &Call, id: &str) -> Option<RedactedProfile> {
    let wanted = uuid::Uuid::parse_str(id).ok()?.to_string();
    let vault = call.state.vault.snapshot();
    let found = vault.profiles.iter().find(|p| p.id == wanted).cloned()?;
    call.note_profile(&found.id);
    Some(found)
}

/// Creates a profile; one without a model gets its provider's default from the catalog.
pub async fn create(call: &Call, mut params: CreateParams) -> Result<ProfileResult, WireError> {
    let catalog = call.state.catalog.snapshot();
    if params.model.trim().is_empty()
        && let Some(default) = catalog.default_model(params.provider.trim())
    {
        params.model = default.to_owned();
    }
    let mut result = call
        .state
        .vault
        .call(|reply| VaultMsg::Create(params, reply))
        .await?;
    call.note_profile(&result.profile.id);
    result
        .warnings
        .extend(catalog.deprecation_warning(&result.profile.provider, &result.profile.model));
    let state = &call.state;
    let sweep = state.discovery.last_sweep();
    let offered = models::offered_warning(&state.calls, sweep.as_deref(), &result.profile);
    result.warnings.extend(offered);
    Ok(result)
}

pub async fn update(call: &Call, params: UpdateParams) -> Result<ProfileResult, WireError> {
    call.note_profile(&params.id);
    let model_changes = params.patch.model.is_some() || params.patch.provider.is_some();
    let params_moved = params.patch.endpoint.is_some();
    let mut result = call
        .state
        .vault
        .call(|reply| VaultMsg::Update(params, reply))
        .await?;
    if model_changes {
        let profile = &result.profile;
        let warning = call
            .state
            .catalog
            .snapshot()
            .deprecation_warning(&profile.provider, &profile.model);
        result.warnings.extend(warning);
    }
    if model_changes || params_moved {
        let state = &call.state;
        let sweep = state.discovery.last_sweep();
        let offered = models::offered_warning(&state.calls, sweep.as_deref(), &result.profile);
        result.warnings.extend(offered);
    }
    Ok(result)
}

pub async fn delete(call: &Call, params: DeleteParams) -> Result<DeleteResult, WireError> {
    call.note_profile(&params.id);
    Ok(call
        .state
        .vault
        .call(|reply| VaultMsg::Delete(params, reply))
        .await?)
}

pub async fn activate(call: &Call, params: IdParams) -> Result<ActivateResult, WireError> {
    call.note_profile(&params.id);
    Ok(call
        .state
        .vault
        .call(|reply| VaultMsg::Activate(params, reply))
        .await?)
}

pub async fn reset_secrets(call: &Call, _: NoParams) -> Result<ResetSecretsResult, WireError> {
    Ok(call.state.vault.call(VaultMsg::ResetSecrets).await?)
}

/// Sends a short prompt to a profile's model. Provider failures are in the outcome; only
/// a test that cannot start (bad params, unknown profile, no consent, an unreadable key)
/// or is cancelled is an error response.
pub async fn test(call: &Call, params: TestParams) -> Result<TestOutcome, WireError> {
    let received = Instant::now();
    let state = &call.state;
    let catalog = state.catalog.snapshot();
    let checked = prepare::check(params)?;
    call.note_profile(checked.id());
    let test = prepare::prepare(checked, received, &state.vault, &catalog, &state.shutdown).await?;
    // A client's cancel drops this future, and with it the test.
    let outcome = prompt_test::run(state, test, catalog, call.correlation_id.clone()).await?;
    Ok(outcome)
}

/// The models the profile's server offers.
pub async fn models(call: &Call, params: ModelsParams) -> Result<ModelsResult, WireError> {
    call.note_profile(&params.id);
    let state = &call.state;
    let catalog = state.catalog.snapshot();
    let listed = models::models(
        &state.calls,
        &state.vault,
        &catalog,
        &params.id,
        params.refresh,
    );
    Ok(listed.await?)
}

#[cfg(test)]
mod tests {
    use llm_agent_protocol::health::HealthSummary;
    use llm_agent_protocol::methods::profiles::{ListResult, RedactedProfile};
    use llm_agent_protocol::safe_storage::{SafeStorageState, SafeStorageStatus, StoreStatus};

    use super::*;
    use crate::vault::profile::testing::redacted;

    fn profile(id: &str, provider: &str) -> RedactedProfile {
        RedactedProfile {
            id: id.into(),
            name: format!("name {id}"),
            has_api_key: true,
            api_key_hint: Some("...a1b2".into()),
            created_at: "2026-01-01T00:00:00Z".into(),
            updated_at: "2026-01-01T00:00:00Z".into(),
            active: id == "a",
            ..redacted(provider, "http://127.0.0.1:11434")
        }
    }

    #[test]
    fn the_list_view_encodes_exactly_like_list_result() {
        for (active_id, provider, summaries) in [
            (Some("a"), None, true),
            (Some("a"), None, false),
            (None, Some("ollama"), true),
            (Some("a"), Some("none"), true),
        ] {
            let snapshot = Arc::new(VaultSnapshot {
                profiles: vec![
                    profile("a", "ollama"),
                    profile("b", "openai"),
                    profile("c", "ollama"),
                ],
                active_id: active_id.map(Into::into),
                infrastructure_id: None,
                safe_storage: SafeStorageStatus {
                    state: SafeStorageState::Unavailable,
                    reason: Some("r".into()),
                    ..SafeStorageStatus::default()
                },
                store: StoreStatus::default(),
                revision: 42,
                audit_head: None,
            });
            let summary = |last_success| HealthSummary {
                outcomes: 3,
                last_at: "2026-01-01T00:00:00Z".into(),
                last_success,
                last_code: None,
                last_success_at: None,
                median_latency_ms: Some(12.5),
            };
            let health: Summaries = [
                ("c".to_owned(), summary(true)),
                ("b".to_owned(), summary(false)),
                ("gone".to_owned(), summary(true)),
            ]
            .into();
            let view = ListView {
                snapshot: snapshot.clone(),
                health: Arc::new(health.clone()),
                provider: provider.map(Into::into),
                summaries,
            };
            let owned = ListResult {
                profiles: snapshot
                    .profiles
                    .iter()
                    .filter(|p| provider.is_none_or(|wanted| p.provider == wanted))
                    .cloned()
                    .collect(),
                active_id: snapshot.active_id.clone(),
                safe_storage: snapshot.safe_storage.clone(),
                store: snapshot.store.clone(),
                revision: 42,
                health: health
                    .iter()
                    .filter(|(id, _)| {
                        snapshot.profiles.iter().any(|p| {
                            &p.id == *id && provider.is_none_or(|wanted| p.provider == wanted)
                        })
                    })
                    .map(|(id, s)| (id.clone(), s.clone()))
                    .collect(),
                accessible_summaries: snapshot
                    .profiles
                    .iter()
                    .filter(|p| provider.is_none_or(|wanted| p.provider == wanted))
                    .filter(|_| summaries)
                    .map(|p| {
                        let summary = accessible_summary(p, health.get(&p.id));
                        (p.id.clone(), texts::localized(&summary))
                    })
                    .collect(),
                elapsed_us: u64::MAX,
            };
            assert_eq!(
                rmp_serde::to_vec_named(&view).unwrap(),
                rmp_serde::to_vec_named(&owned).unwrap(),
                "{active_id:?} {provider:?} {summaries}"
            );
        }
    }
}
