//! The handlers of the spine's methods. Each takes typed params and returns a typed
//! result; decoding, encoding, errors on the wire and diagnostics are the dispatcher's.

use llm_agent_protocol::events::Topic;
use llm_agent_protocol::methods::agent::{AgentStatus, Counters, ShutdownResult};
use llm_agent_protocol::methods::diagnostics::{MAX_QUERY_LIMIT, QueryParams, QueryResult};
use llm_agent_protocol::methods::events::{
    SubscribeParams, SubscribeResult, UnsubscribeParams, UnsubscribeResult,
};
use llm_agent_protocol::methods::handshake::{HelloParams, HelloResult, ProtocolRange};
use llm_agent_protocol::methods::{self, NoParams};
use llm_agent_protocol::{ErrorCode, MIN_PROTOCOL_VERSION, PROTOCOL_VERSION, WireError};

use std::sync::Arc;
use std::time::Instant;

use std::time::Duration;

use llm_agent_protocol::methods::profiles::{
    ActivateResult, CreateParams, DEFAULT_TEST_PROMPT, DEFAULT_TEST_TIMEOUT_MS, DeleteParams,
    DeleteResult, IdParams, ListParams, MAX_TEST_PROMPT_CHARS, MAX_TEST_TIMEOUT_MS, ProfileResult,
    RedactedProfile, ResetSecretsResult, TestOutcome, TestParams, UpdateParams,
};
use uuid::Uuid;
use zeroize::Zeroizing;

use llm_agent_protocol::methods::discovery::{
    AdoptParams, DEFAULT_SWEEP_TIMEOUT_MS, DiscoveryStatus, MAX_SWEEP_TIMEOUT_MS,
    MIN_SWEEP_TIMEOUT_MS, RunParams, Settings, Sweep,
};
use llm_agent_protocol::methods::profiles::FieldError;

use llm_agent_protocol::methods::catalog::{
    Catalog, CatalogModel, CatalogProvider, ListParams as CatalogListParams, ModelRef, ROLES,
    RoleBinding, Roles, SetProviderParams, SetRoleParams, UpsertModelParams,
};
use llm_agent_protocol::methods::profiles::Warning;

use crate::catalog::CatalogState;
use crate::catalog::actor::CatalogMsg;
use crate::discovery::actor::RunRequest;
use crate::discovery::settings as discovery_settings;
use crate::prompt_test::run::PromptTest;
use crate::provider_kind::ProviderKind;
use crate::providers::Target;

use serde::ser::{Serialize, SerializeStruct, Serializer};

use super::dispatch::Call;
use crate::state::AgentState;
use crate::vault::VaultSnapshot;
use crate::vault::actor::VaultMsg;
use crate::vault::error::VaultError;

pub const AGENT_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Agrees on the protocol version, or refuses with `UNSUPPORTED_PROTOCOL`.
pub fn negotiate(state: &AgentState, params: &HelloParams) -> Result<HelloResult, WireError> {
    let supported = ProtocolRange {
        min: MIN_PROTOCOL_VERSION,
        max: PROTOCOL_VERSION,
    };
    if !(supported.min..=supported.max).contains(&params.protocol) {
        let remediation = if params.protocol > supported.max {
            "Update llm-agent (the client is newer than the agent)."
        } else {
            "Update the client (it is older than this agent supports)."
        };
        return Err(WireError::new(
            ErrorCode::UnsupportedProtocol,
            format!(
                "protocol {} is not supported; this agent speaks {} to {}",
                params.protocol, supported.min, supported.max
            ),
        )
        .with_remediation(remediation));
    }
    let capabilities = methods::ALL
        .iter()
        .map(|method| (*method).to_owned())
        .chain(
            Topic::ALL
                .iter()
                .map(|topic| format!("topic:{}", topic.as_str())),
        )
        .collect();
    Ok(HelloResult {
        agent_version: AGENT_VERSION.to_owned(),
        protocol: params.protocol,
        supported_protocols: supported,
        capabilities,
        max_frame_len: state.config.max_frame_len,
        max_in_flight: state.config.max_in_flight,
    })
}

pub async fn hello(call: &Call, params: HelloParams) -> Result<HelloResult, WireError> {
    negotiate(&call.conn.state, &params)
}

pub async fn status(call: &Call, _: NoParams) -> Result<AgentStatus, WireError> {
    let state = &call.conn.state;
    let vault = state.vault.snapshot();
    Ok(AgentStatus {
        version: AGENT_VERSION.to_owned(),
        protocol: PROTOCOL_VERSION,
        pid: std::process::id(),
        started_at: state.started_at.clone(),
        uptime_ms: u64::try_from(state.started.elapsed().as_millis()).unwrap_or(u64::MAX),
        socket: state.config.socket.display().to_string(),
        data_dir: state.config.data_dir.display().to_string(),
        counters: Counters {
            prompt_tests_running: state.prompt_tests.running(),
            ..state.counters.snapshot(state.diagnostics.recorded())
        },
        safe_storage: vault.safe_storage.clone(),
        store: vault.store.clone(),
    })
}

pub async fn shutdown(call: &Call, _: NoParams) -> Result<ShutdownResult, WireError> {
    let shutdown = call.conn.state.shutdown.clone();
    tracing::info!("shutdown requested by a client");
    call.after_reply(move || shutdown.cancel());
    Ok(ShutdownResult {
        shutting_down: true,
    })
}

pub async fn diagnostics_query(call: &Call, params: QueryParams) -> Result<QueryResult, WireError> {
    if params
        .limit
        .is_some_and(|limit| !(1..=MAX_QUERY_LIMIT).contains(&limit))
    {
        return Err(WireError::invalid_params(
            Some("limit"),
            format!("limit must be between 1 and {MAX_QUERY_LIMIT}"),
        ));
    }
    Ok(call.conn.state.diagnostics.query(params).await?)
}

pub async fn subscribe(call: &Call, params: SubscribeParams) -> Result<SubscribeResult, WireError> {
    call.conn.subscribe(call, params.topics)
}

pub async fn unsubscribe(
    call: &Call,
    params: UnsubscribeParams,
) -> Result<UnsubscribeResult, WireError> {
    call.conn.unsubscribe(params.subscription)?;
    Ok(UnsubscribeResult {
        subscription: params.subscription,
    })
}

/// Answers from the snapshot itself: the profiles are encoded from it, never copied.
pub async fn profiles_list(call: &Call, params: ListParams) -> Result<ListView, WireError> {
    let started = Instant::now();
    Ok(ListView {
        snapshot: call.conn.state.vault.snapshot(),
        provider: params.provider,
        elapsed_us: u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
    })
}

/// A `profiles.list` result that borrows the vault snapshot. It encodes exactly as
/// [`ListResult`] does (a test pins the bytes), so clients cannot tell them apart.
pub struct ListView {
    snapshot: Arc<VaultSnapshot>,
    provider: Option<String>,
    elapsed_us: u64,
}

impl Serialize for ListView {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let vault = &self.snapshot;
        let fields = 4 + usize::from(vault.active_id.is_some());
        let mut map = serializer.serialize_struct("ListResult", fields)?;
        map.serialize_field("profiles", &ProfilesOf(vault, self.provider.as_deref()))?;
        if let Some(active_id) = &vault.active_id {
            map.serialize_field("active_id", active_id)?;
        }
        map.serialize_field("safe_storage", &vault.safe_storage)?;
        map.serialize_field("store", &vault.store)?;
        map.serialize_field("elapsed_us", &self.elapsed_us)?;
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

pub async fn profiles_get(call: &Call, params: IdParams) -> Result<RedactedProfile, WireError> {
    // Ids are compared as UUIDs, as every write does, not as text.
    let wanted = uuid::Uuid::parse_str(&params.id)
        .ok()
        .map(|id| id.to_string());
    let vault = call.conn.state.vault.snapshot();
    let found = wanted.and_then(|wanted| vault.profiles.iter().find(|p| p.id == wanted).cloned());
    match found {
        Some(profile) => {
            call.note_profile(&profile.id);
            Ok(profile)
        }
        None => Err(VaultError::NotFound { id: params.id }.into()),
    }
}

/// Creates a profile; one without a model gets its provider's default from the catalog.
pub async fn profiles_create(
    call: &Call,
    mut params: CreateParams,
) -> Result<ProfileResult, WireError> {
    let catalog = call.conn.state.catalog.snapshot();
    if params.model.trim().is_empty()
        && let Some(default) = catalog.default_model(params.provider.trim())
    {
        params.model = default.to_owned();
    }
    let mut result = call
        .conn
        .state
        .vault
        .call(|reply| VaultMsg::Create(params, reply))
        .await?;
    call.note_profile(&result.profile.id);
    warn_if_deprecated(&mut result, &catalog);
    Ok(result)
}

/// Adds a `model_deprecated` warning when the profile's model is deprecated in the
/// catalog: choosing one is allowed, but the learner should know.
fn warn_if_deprecated(result: &mut ProfileResult, catalog: &CatalogState) {
    let profile = &result.profile;
    if catalog.is_deprecated(&profile.provider, &profile.model) {
        result.warnings.push(Warning {
            code: "model_deprecated".into(),
            message: format!(
                "{} is deprecated in the catalog: it may stop working; choose another model of {} when you can.",
                profile.model, profile.provider
            ),
        });
    }
}

pub async fn profiles_update(
    call: &Call,
    params: UpdateParams,
) -> Result<ProfileResult, WireError> {
    call.note_profile(&params.id);
    let model_changes = params.patch.model.is_some() || params.patch.provider.is_some();
    let mut result = call
        .conn
        .state
        .vault
        .call(|reply| VaultMsg::Update(params, reply))
        .await?;
    if model_changes {
        warn_if_deprecated(&mut result, &call.conn.state.catalog.snapshot());
    }
    Ok(result)
}

pub async fn profiles_delete(call: &Call, params: DeleteParams) -> Result<DeleteResult, WireError> {
    call.note_profile(&params.id);
    Ok(call
        .conn
        .state
        .vault
        .call(|reply| VaultMsg::Delete(params, reply))
        .await?)
}

pub async fn profiles_activate(call: &Call, params: IdParams) -> Result<ActivateResult, WireError> {
    call.note_profile(&params.id);
    Ok(call
        .conn
        .state
        .vault
        .call(|reply| VaultMsg::Activate(params, reply))
        .await?)
}

pub async fn profiles_reset_secrets(
    call: &Call,
    _: NoParams,
) -> Result<ResetSecretsResult, WireError> {
    Ok(call.conn.state.vault.call(VaultMsg::ResetSecrets).await?)
}

/// Sends a short prompt to a profile's model. Provider failures are in the outcome; only
/// a test that cannot start (bad params, unknown profile, no consent, an unreadable key)
/// or is cancelled is an error response.
pub async fn profiles_test(call: &Call, params: TestParams) -> Result<TestOutcome, WireError> {
    let received = Instant::now();
    let state = &call.conn.state;
    let timeout_ms = params.timeout_ms.unwrap_or(DEFAULT_TEST_TIMEOUT_MS);
    if !(1..=MAX_TEST_TIMEOUT_MS).contains(&timeout_ms) {
        return Err(WireError::invalid_params(
            Some("timeout_ms"),
            format!("timeout_ms must be 1 to {MAX_TEST_TIMEOUT_MS} (milliseconds)"),
        )
        .with_remediation("Leave it out for the default of 30 s."));
    }
    let prompt = match &params.prompt {
        None => Zeroizing::new(DEFAULT_TEST_PROMPT.to_owned()),
        Some(prompt) => {
            let text = prompt.expose().trim();
            if text.is_empty() || text.chars().count() > MAX_TEST_PROMPT_CHARS {
                return Err(WireError::invalid_params(
                    Some("prompt"),
                    format!("prompt must have 1 to {MAX_TEST_PROMPT_CHARS} characters"),
                )
                .with_remediation("Leave it out to use the built-in test prompt."));
            }
            Zeroizing::new(text.to_owned())
        }
    };
    call.note_profile(&params.id);
    let not_found = || VaultError::NotFound {
        id: params.id.clone(),
    };
    let id = Uuid::parse_str(&params.id).map_err(|_| not_found())?;
    let snapshot = state.vault.snapshot();
    let profile = snapshot
        .profiles
        .iter()
        .find(|p| Uuid::parse_str(&p.id).is_ok_and(|pid| pid == id))
        .ok_or_else(not_found)?;
    let deadline = received + Duration::from_millis(timeout_ms);
    let Some(mut target) = Target::of(profile, None) else {
        return Err(WireError::new(
            ErrorCode::Internal,
            "the profile's endpoint is not a valid URL",
        )
        .with_remediation("Edit the profile's endpoint, then test again."));
    };
    let is_local = target.is_local;
    if !is_local && profile.consent_granted_at.is_none() {
        return Err(VaultError::ConsentRequired {
            endpoint: profile.endpoint.clone(),
        }
        .into());
    }
    if profile.has_api_key {
        let key = state.vault.call(|reply| VaultMsg::ApiKey(id, reply));
        target.api_key = match tokio::time::timeout_at(deadline.into(), key).await {
            Ok(key) => key?,
            Err(_) => {
                return Err(WireError::new(
                    ErrorCode::Timeout,
                    "reading the profile's API key took longer than the test's timeout",
                )
                .with_remediation(
                    "Test again; the OS credential store may have been slow to answer.",
                ));
            }
        };
    }
    let catalog = state.catalog.snapshot();
    let parallelism = target.shared_parallelism(
        &snapshot.profiles,
        catalog.edited_parallelism(&profile.provider),
    );
    let (provider, model) = (profile.provider.clone(), profile.model.clone());
    // A client's cancel drops this future, and with it the guard: the test stops.
    let cancel = state.shutdown.child_token();
    let stop_on_drop = cancel.clone().drop_guard();
    let job = PromptTest {
        profile_id: id,
        target,
        prompt,
        received,
        deadline,
        cancel,
        shutdown: state.shutdown.clone(),
        parallelism,
    };
    let mut outcome = state
        .prompt_tests
        .run(job, call.correlation_id.clone())
        .await?;
    stop_on_drop.disarm();
    if let Some(usage) = &outcome.usage {
        outcome.estimated_cost = Some(catalog.estimate(&provider, &model, is_local, usage));
    }
    Ok(outcome)
}

pub async fn catalog_list(call: &Call, params: CatalogListParams) -> Result<Catalog, WireError> {
    let catalog = call.conn.state.catalog.snapshot();
    let view = catalog.view();
    Ok(Catalog {
        shipped_as_of: view.shipped_as_of.clone(),
        providers: view
            .providers
            .iter()
            .filter(|p| {
                params
                    .provider
                    .as_ref()
                    .is_none_or(|wanted| &p.kind == wanted)
            })
            .cloned()
            .collect(),
    })
}

pub async fn catalog_upsert_model(
    call: &Call,
    params: UpsertModelParams,
) -> Result<CatalogModel, WireError> {
    Ok(call
        .conn
        .state
        .catalog
        .call(|reply| CatalogMsg::Upsert(params, reply))
        .await?)
}

pub async fn catalog_deprecate_model(
    call: &Call,
    model: ModelRef,
) -> Result<CatalogModel, WireError> {
    set_model_status(call, model, true).await
}

pub async fn catalog_reactivate_model(
    call: &Call,
    model: ModelRef,
) -> Result<CatalogModel, WireError> {
    set_model_status(call, model, false).await
}

async fn set_model_status(
    call: &Call,
    model: ModelRef,
    deprecated: bool,
) -> Result<CatalogModel, WireError> {
    Ok(call
        .conn
        .state
        .catalog
        .call(|reply| CatalogMsg::SetStatus {
            model,
            deprecated,
            reply,
        })
        .await?)
}

pub async fn catalog_set_default_model(
    call: &Call,
    model: ModelRef,
) -> Result<CatalogProvider, WireError> {
    Ok(call
        .conn
        .state
        .catalog
        .call(|reply| CatalogMsg::SetDefault(model, reply))
        .await?)
}

pub async fn catalog_set_provider(
    call: &Call,
    params: SetProviderParams,
) -> Result<CatalogProvider, WireError> {
    Ok(call
        .conn
        .state
        .catalog
        .call(|reply| CatalogMsg::SetProvider(params, reply))
        .await?)
}

pub async fn roles_get(call: &Call, _: NoParams) -> Result<Roles, WireError> {
    Ok(roles_of(&call.conn.state.vault.snapshot()))
}

/// Points a role at a profile: `tutor` activates it, `infrastructure` takes it (or, with
/// nil, follows the tutor again).
pub async fn roles_set(call: &Call, params: SetRoleParams) -> Result<Roles, WireError> {
    let vault = &call.conn.state.vault;
    match (params.role.as_str(), params.profile_id) {
        ("tutor", Some(id)) => {
            call.note_profile(&id);
            vault
                .call(|reply| VaultMsg::Activate(IdParams { id }, reply))
                .await?;
        }
        ("tutor", None) => {
            return Err(WireError::invalid_params(
                Some("profile_id"),
                "the tutor role always has a profile: name one",
            ));
        }
        ("infrastructure", id) => {
            if let Some(id) = &id {
                call.note_profile(id);
            }
            vault
                .call(|reply| VaultMsg::SetInfrastructure(id, reply))
                .await?;
        }
        _ => {
            return Err(WireError::invalid_params(
                Some("role"),
                format!("role must be one of {}", ROLES.join(", ")),
            ));
        }
    }
    Ok(roles_of(&vault.snapshot()))
}

fn roles_of(snapshot: &VaultSnapshot) -> Roles {
    let tutor = snapshot.active_id.clone();
    Roles {
        roles: vec![
            RoleBinding {
                role: "tutor".into(),
                profile_id: tutor.clone(),
                same_as_tutor: false,
            },
            RoleBinding {
                role: "infrastructure".into(),
                profile_id: snapshot.infrastructure_id.clone().or(tutor),
                same_as_tutor: snapshot.infrastructure_id.is_none(),
            },
        ],
    }
}

/// Sweeps now. The sweep runs in the discovery actor's task; this waits for it.
pub async fn discovery_run(call: &Call, params: RunParams) -> Result<Sweep, WireError> {
    let budget_ms = params.timeout_ms.unwrap_or(DEFAULT_SWEEP_TIMEOUT_MS);
    if !(MIN_SWEEP_TIMEOUT_MS..=MAX_SWEEP_TIMEOUT_MS).contains(&budget_ms) {
        return Err(WireError::invalid_params(
            Some("timeout_ms"),
            format!(
                "timeout_ms must be {MIN_SWEEP_TIMEOUT_MS} to {MAX_SWEEP_TIMEOUT_MS} (milliseconds)"
            ),
        )
        .with_remediation("Leave it out for the default of 800 ms."));
    }
    let extra = params.extra_endpoints.unwrap_or_default();
    let extra_endpoints =
        discovery_settings::check_endpoints(&extra, "extra_endpoints").map_err(|problems| {
            let field = problems.first().map(|p| p.field.clone());
            let message = problems
                .first()
                .map(|p| p.message.clone())
                .unwrap_or_default();
            WireError::invalid_params(field.as_deref(), message)
        })?;
    Ok(call
        .conn
        .state
        .discovery
        .run(RunRequest {
            extra_endpoints,
            budget: Duration::from_millis(budget_ms),
        })
        .await?)
}

pub async fn discovery_status(call: &Call, _: NoParams) -> Result<DiscoveryStatus, WireError> {
    Ok(call.conn.state.discovery.status().await?)
}

pub async fn discovery_configure(call: &Call, settings: Settings) -> Result<Settings, WireError> {
    Ok(call.conn.state.discovery.configure(settings).await?)
}

/// Creates a profile from a finding: the provider is its kind, the model its first loaded
/// (else first) model unless given, the name "<Kind> on <address>" unless given.
pub async fn discovery_adopt(call: &Call, params: AdoptParams) -> Result<ProfileResult, WireError> {
    let state = &call.conn.state;
    let Some(kind) = ProviderKind::discoverable(params.kind.trim()) else {
        return Err(WireError::invalid_params(
            Some("kind"),
            "kind must be one of the kinds discovery reports (ollama, lm_studio, ...)",
        ));
    };
    let endpoint = params.endpoint.trim().trim_end_matches('/').to_owned();
    let last = state.discovery.status().await?.last_sweep;
    let finding = last.as_ref().and_then(|sweep| {
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
        return Err(VaultError::Validation(vec![FieldError {
            field: "model".into(),
            code: "required".into(),
            message: if finding.is_some() {
                "The server lists no model: load or pull one, then adopt it with its name.".into()
            } else {
                "No sweep found this server: name the model, or run discovery first.".into()
            },
        }])
        .into());
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
            unused_name(
                &format!("{} on {address}", kind.title()),
                &state.vault.snapshot(),
            )
        }
    };
    let create = CreateParams {
        name,
        provider: kind.as_str().to_owned(),
        endpoint,
        model,
        consent_granted_at: params.consent_granted_at,
        ..Default::default()
    };
    let result = state
        .vault
        .call(|reply| VaultMsg::Create(create, reply))
        .await?;
    call.note_profile(&result.profile.id);
    Ok(result)
}

/// `wanted`, or `wanted (2)`, `wanted (3)`, ... : the first no profile has (names are
/// unique regardless of case).
fn unused_name(wanted: &str, snapshot: &VaultSnapshot) -> String {
    let taken = |name: &str| {
        snapshot
            .profiles
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
    use llm_agent_protocol::methods::profiles::{ListResult, ProfileMetadata, RedactedProfile};
    use llm_agent_protocol::safe_storage::{SafeStorageState, SafeStorageStatus, StoreStatus};

    use super::*;

    fn profile(id: &str, provider: &str) -> RedactedProfile {
        RedactedProfile {
            id: id.into(),
            name: format!("name {id}"),
            provider: provider.into(),
            endpoint: "http://127.0.0.1:11434".into(),
            model: "m".into(),
            has_api_key: true,
            api_key_hint: Some("...a1b2".into()),
            consent_granted_at: None,
            created_at: "2026-01-01T00:00:00Z".into(),
            updated_at: "2026-01-01T00:00:00Z".into(),
            active: id == "a",
            metadata: ProfileMetadata::default(),
        }
    }

    #[test]
    fn the_list_view_encodes_exactly_like_list_result() {
        for (active_id, provider) in [
            (Some("a"), None),
            (None, Some("ollama")),
            (Some("a"), Some("none")),
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
                    remediation: None,
                },
                store: StoreStatus {
                    writable: true,
                    problem: None,
                },
            });
            let view = ListView {
                snapshot: snapshot.clone(),
                provider: provider.map(Into::into),
                elapsed_us: 7,
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
                elapsed_us: 7,
            };
            assert_eq!(
                rmp_serde::to_vec_named(&view).unwrap(),
                rmp_serde::to_vec_named(&owned).unwrap(),
                "{active_id:?} {provider:?}"
            );
        }
    }
}
