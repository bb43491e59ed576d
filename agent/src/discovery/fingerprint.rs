//! Fingerprints: which kind of server answered at an address, told from the shape of
//! what it answered to the table's requests, never from its port or a status alone.
//!
//! # Rules, in order of precedence
//!
//! 0. **The canary.** Every address is also asked [`paths::CANARY`], a path no server
//!    serves. An answer identical to the canary's (same status, same bytes) says nothing
//!    about the path that got it, so no rule sees it: a server that answers `200 {}`, or
//!    any one body, to everything is never classified.
//! 1. **KoboldCpp**: `/api/extra/version` says `"result": "KoboldCpp"`. First, because
//!    KoboldCpp also imitates Ollama's `/api/tags`, llama.cpp's `/props` and OpenAI's
//!    `/v1/models`.
//! 2. **LM Studio**: `/lmstudio-greeting` says `"lmstudio": true`, or `/api/v0/models`
//!    lists models with LM Studio's `state` (`loaded`/`not-loaded`). LM Studio answers
//!    200 to every unknown path, but with `{"error": "Unexpected endpoint or method.
//!    (GET /path)"}`, which no rule accepts.
//! 3. **text-generation-webui**: `/v1/internal/model/info` has a string `model_name` and
//!    a `lora_names` array; or that path, and only it, refuses with FastAPI's 401
//!    `{"detail": ..}` (a key is required).
//! 4. **llama.cpp server**: `/props` has a `default_generation_settings` object and a
//!    numeric `total_slots`, or `/v1/models` lists a model `owned_by: llamacpp`. Before
//!    Ollama, because llama.cpp also serves Ollama's `/api/tags`; `/health`'s
//!    `{"status":"ok"}` is too common to count.
//! 5. **Ollama**: `/api/version` has a string `version` **and** `/api/tags` has a
//!    `models` array (or refuses for want of a key). An OpenAI-compatible server that
//!    imitates `/api/version` alone is not Ollama.
//! 6. **vLLM**: `/v1/models` lists a model `owned_by: vllm`; or, with `--api-key`,
//!    `/version` is exactly `{"version": ".."}`, `/health` is an empty 200, `/v1/models`
//!    refuses with a JSON error, the canary does not, and `/readyz` is not ready
//!    (LocalAI's is).
//! 7. **Docker Model Runner**: `/engines/v1/models` lists models all `owned_by: docker`
//!    (an empty list counts only on a Docker Model Runner port of the table).
//! 8. **GPT4All**: `/v1/models` lists a model `owned_by: humanity`.
//! 9. **LocalAI**: `/readyz` answers an empty or `OK` 2xx, and either `/version` has
//!    LocalAI's `"vX.Y.Z (commit)"` form or `/v1/models` lists models without `owned_by`
//!    (LocalAI's own model object has only `id` and `object`). After vLLM, whose
//!    `/version` is a bare number and whose models name their owner.
//! 10. **By port, Jan then GPT4All**: on a port the table gives them, an OpenAI model
//!     list at `/v1/models` (Jan's API is plain OpenAI, `owned_by: user`); for Jan also
//!     its own refusal text (`Missing authorization header`) when a key is set.
//! 11. **OpenAI-compatible**: any other non-empty OpenAI model list at `/v1/models`.
//!
//! A kind found, a 401 or 403 on its model path marks `auth_required`.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{Map, Value};

use llm_agent_l10n::Text;

use super::finding::{OfferedModel, Remediation};
use super::table::paths;
use crate::provider_kind::ProviderKind;
use crate::sanitize::sanitize;
use crate::texts::messages;

/// One answered request.
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    pub status: u16,
    /// The body, at most the sweep's limit.
    pub body: Vec<u8>,
    /// The body was longer than the limit (and is then never parsed).
    pub truncated: bool,
    /// From sending the request to the end of the body.
    pub elapsed: Duration,
    json: Option<Value>,
}

impl Exchange {
    pub fn new(status: u16, body: Vec<u8>, truncated: bool, elapsed: Duration) -> Exchange {
        let json = if truncated {
            None
        } else {
            serde_json::from_slice(&body).ok()
        };
        Exchange {
            status,
            body,
            truncated,
            elapsed,
            json,
        }
    }

    /// A JSON answer (for tests).
    pub fn json_body(status: u16, value: &Value) -> Exchange {
        Exchange::new(
            status,
            serde_json::to_vec(value).unwrap_or_default(),
            false,
            Duration::ZERO,
        )
    }

    /// A text answer (for tests).
    pub fn text_body(status: u16, text: &str) -> Exchange {
        Exchange::new(status, text.as_bytes().to_vec(), false, Duration::ZERO)
    }

    /// The body as JSON, when it is.
    pub fn json(&self) -> Option<&Value> {
        self.json.as_ref()
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// A refusal for want of credentials.
    pub fn is_challenge(&self) -> bool {
        matches!(self.status, 401 | 403)
    }

    fn same_answer(&self, other: &Exchange) -> bool {
        self.status == other.status && self.body == other.body && !self.truncated
    }
}

/// What one address answered.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Observations {
    /// The answer to [`paths::CANARY`], when there was one.
    pub canary: Option<Exchange>,
    /// The answers to the table's paths, by path; a request that got no answer is absent.
    pub answers: BTreeMap<&'static str, Exchange>,
    /// The kinds the probe table places on the address's port.
    pub table_kinds: Vec<ProviderKind>,
}

impl Observations {
    /// The answer at `path`, unless it is the canary's answer (which proves nothing).
    fn evidence(&self, path: &str) -> Option<&Exchange> {
        let answer = self.answers.get(path)?;
        match &self.canary {
            Some(canary) if canary.same_answer(answer) => None,
            _ => Some(answer),
        }
    }

    /// A 2xx JSON object at `path` that is not the canary's answer.
    fn object(&self, path: &str) -> Option<(&Map<String, Value>, &Exchange)> {
        let answer = self.evidence(path).filter(|a| a.is_success())?;
        Some((answer.json()?.as_object()?, answer))
    }

    /// An OpenAI model list at `path` that is not the canary's answer.
    fn openai_list(&self, path: &str) -> Option<(&Vec<Value>, &Exchange)> {
        let (object, answer) = self.object(path)?;
        Some((openai_entries(object)?, answer))
    }

    /// Whether `path` refused for want of credentials.
    fn refused(&self, path: &str) -> bool {
        self.answers.get(path).is_some_and(Exchange::is_challenge)
    }

    /// `path` refused, and the canary did not: the refusal is specific to the path.
    fn refused_alone(&self, path: &str) -> Option<&Exchange> {
        let canary_refused = self.canary.as_ref().is_some_and(Exchange::is_challenge);
        let answer = self.answers.get(path).filter(|a| a.is_challenge())?;
        (!canary_refused).then_some(answer)
    }

    /// Whether any answer (the canary's too) refused for want of credentials.
    pub fn any_refusal(&self) -> bool {
        self.canary
            .iter()
            .chain(self.answers.values())
            .any(Exchange::is_challenge)
    }

    /// Whether anything answered at all.
    pub fn any_answer(&self) -> bool {
        self.canary.is_some() || !self.answers.is_empty()
    }
}

/// Who answered, and what they said about themselves.
#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    pub kind: ProviderKind,
    pub version: Option<String>,
    pub models: Vec<OfferedModel>,
    pub auth_required: bool,
    /// The path whose answer identified the server.
    pub evidence: &'static str,
    /// How long that answer took.
    pub latency: Duration,
}

impl Identity {
    fn new(kind: ProviderKind, evidence: &'static str, answer: &Exchange) -> Identity {
        Identity {
            kind,
            version: None,
            models: Vec::new(),
            auth_required: false,
            evidence,
            latency: answer.elapsed,
        }
    }

    /// The identity with what the server said made fit to show: no control or invisible
    /// characters, bounded lengths, at most [`MAX_MODELS`] models.
    fn tidied(mut self) -> Identity {
        self.version = self
            .version
            .map(|v| sanitize(&v, MAX_LABEL_CHARS))
            .filter(|v| !v.is_empty());
        self.models = std::mem::take(&mut self.models)
            .into_iter()
            .filter_map(|mut model| {
                model.id = sanitize(&model.id, MAX_MODEL_ID_CHARS);
                model.quantization = model
                    .quantization
                    .map(|q| sanitize(&q, MAX_LABEL_CHARS))
                    .filter(|q| !q.is_empty());
                (!model.id.is_empty()).then_some(model)
            })
            .take(MAX_MODELS)
            .collect();
        self
    }

    /// Why the server is not ready to use as it is, and what to do: a key to add, a model
    /// to load or to get.
    pub fn readiness(&self) -> Option<(Remediation, Text)> {
        let name = super::table::server_name(self.kind);
        if self.auth_required {
            return Some((
                Remediation::NeedsKey,
                messages::finding_needs_key_hint(name),
            ));
        }
        let none_loaded =
            !self.models.is_empty() && self.models.iter().all(|m| m.loaded == Some(false));
        if !self.models.is_empty() && !none_loaded {
            return None;
        }
        let (remediation, hint) = match self.kind {
            ProviderKind::LmStudio => (
                Remediation::ModelNotLoaded,
                messages::finding_load_model_hint(self.kind.as_str(), name),
            ),
            ProviderKind::Jan => (
                Remediation::ModelNotLoaded,
                messages::finding_load_model_hint(self.kind.as_str(), name),
            ),
            ProviderKind::TextGenerationWebui => (
                Remediation::ModelNotLoaded,
                messages::finding_load_model_hint(self.kind.as_str(), name),
            ),
            ProviderKind::LlamaCpp | ProviderKind::KoboldCpp => (
                Remediation::ModelNotLoaded,
                messages::finding_load_model_hint(self.kind.as_str(), name),
            ),
            ProviderKind::Ollama => (
                Remediation::NoModels,
                messages::finding_no_models_hint(self.kind.as_str(), name),
            ),
            ProviderKind::DockerModelRunner => (
                Remediation::NoModels,
                messages::finding_no_models_hint(self.kind.as_str(), name),
            ),
            _ if none_loaded => (
                Remediation::ModelNotLoaded,
                messages::finding_load_model_hint(self.kind.as_str(), name),
            ),
            _ => (
                Remediation::NoModels,
                messages::finding_no_models_hint(self.kind.as_str(), name),
            ),
        };
        Some((remediation, hint))
    }
}

type Rule = fn(&Observations) -> Option<Identity>;

/// The rules, most specific first (see the module documentation).
const RULES: [Rule; 11] = [
    koboldcpp,
    lm_studio,
    text_generation_webui,
    llama_cpp,
    ollama,
    vllm,
    docker_model_runner,
    gpt4all_by_owner,
    localai,
    by_port,
    openai_compatible,
];

/// The most models a finding lists (a server listing thousands must not bloat a sweep).
pub const MAX_MODELS: usize = 256;
/// The longest model name kept; longer ones are cut (and marked with `…`).
const MAX_MODEL_ID_CHARS: usize = 256;
/// The longest version or quantization label kept.
const MAX_LABEL_CHARS: usize = 64;

/// The kind of server that gave `observations`, or `None` if no rule accepts them.
pub fn identify(observations: &Observations) -> Option<Identity> {
    RULES
        .iter()
        .find_map(|rule| rule(observations))
        .map(Identity::tidied)
}

fn koboldcpp(obs: &Observations) -> Option<Identity> {
    let (banner, answer) = obs.object(paths::KOBOLDCPP_VERSION)?;
    if !text(banner, "result")?.eq_ignore_ascii_case("koboldcpp") {
        return None;
    }
    let mut identity = Identity::new(ProviderKind::KoboldCpp, paths::KOBOLDCPP_VERSION, answer);
    identity.version = text(banner, "version").map(str::to_owned);
    let context = obs
        .object(paths::KOBOLDCPP_MAX_CONTEXT)
        .and_then(|(value, _)| number(value, "value"));
    if let Some((entries, _)) = obs.openai_list(paths::OPENAI_MODELS) {
        identity.models = entries
            .iter()
            .filter_map(openai_model)
            .map(|mut model| {
                model.context_length = context;
                model
            })
            .collect();
    }
    identity.auth_required =
        banner.get("protected") == Some(&Value::Bool(true)) || obs.refused(paths::OPENAI_MODELS);
    Some(identity)
}

fn lm_studio(obs: &Observations) -> Option<Identity> {
    let greeting = obs
        .object(paths::LM_STUDIO_GREETING)
        .filter(|(greeting, _)| greeting.get("lmstudio") == Some(&Value::Bool(true)))
        .map(|(_, answer)| (paths::LM_STUDIO_GREETING, answer));
    let rest_models = obs
        .openai_list(paths::LM_STUDIO_MODELS)
        .filter(|(entries, _)| {
            !entries.is_empty()
                && entries.iter().all(|entry| {
                    matches!(
                        entry.get("state").and_then(Value::as_str),
                        Some("loaded" | "not-loaded")
                    )
                })
        });
    let (evidence, answer) =
        greeting.or(rest_models.map(|(_, answer)| (paths::LM_STUDIO_MODELS, answer)))?;
    let mut identity = Identity::new(ProviderKind::LmStudio, evidence, answer);
    identity.models = match (rest_models, obs.openai_list(paths::OPENAI_MODELS)) {
        (Some((entries, _)), _) => entries
            .iter()
            .filter(|entry| entry.get("type").and_then(Value::as_str) != Some("embeddings"))
            .filter_map(|entry| {
                let mut model = openai_model(entry)?;
                let entry = entry.as_object()?;
                model.context_length = number(entry, "max_context_length");
                model.loaded = text(entry, "state").map(|state| state == "loaded");
                model.quantization = text(entry, "quantization").map(str::to_owned);
                Some(model)
            })
            .collect(),
        (None, Some((entries, _))) => entries.iter().filter_map(openai_model).collect(),
        (None, None) => Vec::new(),
    };
    identity.auth_required =
        obs.refused(paths::LM_STUDIO_MODELS) || obs.refused(paths::OPENAI_MODELS);
    Some(identity)
}

fn text_generation_webui(obs: &Observations) -> Option<Identity> {
    if let Some((info, answer)) = obs.object(paths::TGWUI_MODEL_INFO)
        && info.get("lora_names").is_some_and(Value::is_array)
        && let Some(name) = info.get("model_name").and_then(Value::as_str)
    {
        let mut identity = Identity::new(
            ProviderKind::TextGenerationWebui,
            paths::TGWUI_MODEL_INFO,
            answer,
        );
        // `None` (the text) is what it reports with no model loaded.
        if !name.is_empty() && name != "None" {
            identity.models = vec![OfferedModel::named(name)];
        }
        return Some(identity);
    }
    let refusal = obs.refused_alone(paths::TGWUI_MODEL_INFO)?;
    refusal
        .json()
        .and_then(|body| body.get("detail"))
        .filter(|detail| detail.is_string())?;
    let mut identity = Identity::new(
        ProviderKind::TextGenerationWebui,
        paths::TGWUI_MODEL_INFO,
        refusal,
    );
    identity.auth_required = true;
    Some(identity)
}

fn llama_cpp(obs: &Observations) -> Option<Identity> {
    let props = obs.object(paths::LLAMA_CPP_PROPS).filter(|(props, _)| {
        props
            .get("default_generation_settings")
            .is_some_and(Value::is_object)
            && props.get("total_slots").is_some_and(Value::is_number)
    });
    let list = obs
        .openai_list(paths::OPENAI_MODELS)
        .filter(|(entries, _)| {
            entries
                .iter()
                .any(|entry| owned_by(entry) == Some("llamacpp"))
        });
    let (evidence, answer) = match (props, list) {
        (Some((_, answer)), _) => (paths::LLAMA_CPP_PROPS, answer),
        (None, Some((_, answer))) => (paths::OPENAI_MODELS, answer),
        (None, None) => return None,
    };
    let mut identity = Identity::new(ProviderKind::LlamaCpp, evidence, answer);
    let props = props.map(|(props, _)| props);
    identity.version = props
        .and_then(|props| text(props, "build_info"))
        .map(str::to_owned);
    let slot_context = props
        .and_then(|props| props.get("default_generation_settings"))
        .and_then(Value::as_object)
        .and_then(|settings| number(settings, "n_ctx"));
    identity.models = match list {
        Some((entries, _)) => {
            let single = entries.len() == 1;
            entries
                .iter()
                .filter_map(|entry| {
                    let mut model = openai_model(entry)?;
                    let meta = entry.get("meta").and_then(Value::as_object);
                    model.size_bytes = meta.and_then(|meta| number(meta, "size"));
                    // The context a single-model server was started with beats the one
                    // the model was trained for.
                    model.context_length = slot_context
                        .filter(|_| single)
                        .or_else(|| meta.and_then(|meta| number(meta, "n_ctx_train")));
                    // Router mode: `"status": {"value": "loaded" | "unloaded" | ..}`.
                    model.loaded = entry
                        .get("status")
                        .and_then(|status| status.get("value"))
                        .and_then(Value::as_str)
                        .map(|value| value == "loaded");
                    Some(model)
                })
                .collect()
        }
        None => props
            .and_then(|props| text(props, "model_path"))
            .and_then(|path| path.rsplit(['/', '\\']).next())
            .filter(|name| !name.is_empty())
            .map(|name| {
                let mut model = OfferedModel::named(name);
                model.context_length = slot_context;
                vec![model]
            })
            .unwrap_or_default(),
    };
    identity.auth_required =
        obs.refused(paths::OPENAI_MODELS) || obs.refused(paths::LLAMA_CPP_PROPS);
    Some(identity)
}

fn ollama(obs: &Observations) -> Option<Identity> {
    let (version, answer) = obs.object(paths::OLLAMA_VERSION)?;
    let version = text(version, "version").filter(|v| !v.is_empty())?;
    let tags = obs
        .object(paths::OLLAMA_TAGS)
        .and_then(|(tags, _)| tags.get("models")?.as_array())
        .filter(|models| {
            models.iter().all(|m| {
                m.get("name")
                    .or(m.get("model"))
                    .is_some_and(Value::is_string)
            })
        });
    let auth_required = tags.is_none() && obs.refused_alone(paths::OLLAMA_TAGS).is_some();
    if tags.is_none() && !auth_required {
        return None;
    }
    let mut identity = Identity::new(ProviderKind::Ollama, paths::OLLAMA_VERSION, answer);
    identity.version = Some(version.to_owned());
    identity.auth_required = auth_required;
    identity.models = tags
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            let entry = entry.as_object()?;
            let mut model = OfferedModel::named(text(entry, "name").or(text(entry, "model"))?);
            model.size_bytes = number(entry, "size");
            model.quantization = entry
                .get("details")
                .and_then(Value::as_object)
                .and_then(|details| text(details, "quantization_level"))
                .map(str::to_owned);
            Some(model)
        })
        .collect();
    Some(identity)
}

fn vllm(obs: &Observations) -> Option<Identity> {
    let version = obs
        .object(paths::VERSION)
        .and_then(|(object, answer)| Some((text(object, "version")?, object.len(), answer)));
    if let Some((entries, answer)) = obs
        .openai_list(paths::OPENAI_MODELS)
        .filter(|(entries, _)| entries.iter().any(|e| owned_by(e) == Some("vllm")))
    {
        let mut identity = Identity::new(ProviderKind::Vllm, paths::OPENAI_MODELS, answer);
        identity.version = version.map(|(version, _, _)| version.to_owned());
        identity.models = entries
            .iter()
            .filter_map(|entry| {
                let mut model = openai_model(entry)?;
                model.context_length = entry.as_object().and_then(|e| number(e, "max_model_len"));
                Some(model)
            })
            .collect();
        return Some(identity);
    }
    // With `--api-key`, vLLM guards `/v1/*` only: `/version` stays open.
    let (version, fields, answer) = version?;
    let refusal = obs.refused_alone(paths::OPENAI_MODELS)?;
    let json_error = refusal
        .json()
        .and_then(Value::as_object)
        .is_some_and(|body| body.contains_key("error"));
    let localai_ready = obs
        .evidence(paths::READYZ)
        .is_some_and(Exchange::is_success);
    // vLLM's `/health` is an empty 200.
    let healthy = obs
        .evidence(paths::HEALTH)
        .is_some_and(|answer| answer.is_success() && answer.body.is_empty());
    if fields != 1
        || !json_error
        || !healthy
        || localai_ready
        || looks_like_localai_version(version)
    {
        return None;
    }
    let mut identity = Identity::new(ProviderKind::Vllm, paths::VERSION, answer);
    identity.version = Some(version.to_owned());
    identity.auth_required = true;
    Some(identity)
}

fn docker_model_runner(obs: &Observations) -> Option<Identity> {
    let (entries, answer) = obs.openai_list(paths::DOCKER_MODELS)?;
    let all_docker = entries.iter().all(|e| owned_by(e) == Some("docker"));
    let on_its_port = obs.table_kinds.contains(&ProviderKind::DockerModelRunner);
    if !all_docker || (entries.is_empty() && !on_its_port) {
        return None;
    }
    let mut identity = Identity::new(
        ProviderKind::DockerModelRunner,
        paths::DOCKER_MODELS,
        answer,
    );
    identity.models = entries.iter().filter_map(openai_model).collect();
    Some(identity)
}

fn gpt4all_by_owner(obs: &Observations) -> Option<Identity> {
    let (entries, answer) = obs.openai_list(paths::OPENAI_MODELS)?;
    if !entries.iter().any(|e| owned_by(e) == Some("humanity")) {
        return None;
    }
    let mut identity = Identity::new(ProviderKind::Gpt4All, paths::OPENAI_MODELS, answer);
    identity.models = entries.iter().filter_map(openai_model).collect();
    Some(identity)
}

fn localai(obs: &Observations) -> Option<Identity> {
    let ready = obs.evidence(paths::READYZ).filter(|answer| {
        let body = String::from_utf8_lossy(&answer.body);
        let body = body.trim();
        answer.is_success() && (body.is_empty() || body.eq_ignore_ascii_case("ok"))
    })?;
    let version = obs
        .object(paths::VERSION)
        .and_then(|(object, _)| text(object, "version"))
        .filter(|version| looks_like_localai_version(version));
    let list = obs.openai_list(paths::OPENAI_MODELS);
    let unowned_list = list.filter(|(entries, _)| entries.iter().all(|e| owned_by(e).is_none()));
    if version.is_none() && unowned_list.is_none() {
        return None;
    }
    let mut identity = Identity::new(ProviderKind::LocalAi, paths::READYZ, ready);
    identity.version = version.map(localai_release);
    identity.models = list
        .map(|(entries, _)| entries.iter().filter_map(openai_model).collect())
        .unwrap_or_default();
    identity.auth_required = obs.refused(paths::OPENAI_MODELS);
    Some(identity)
}

/// The refusals of Jan's API server when it has a key (plain text, on every path).
const JAN_REFUSALS: [&str; 2] = [
    "Missing authorization header",
    "Invalid or missing authorization token",
];

fn by_port(obs: &Observations) -> Option<Identity> {
    for kind in [ProviderKind::Jan, ProviderKind::Gpt4All] {
        if !obs.table_kinds.contains(&kind) {
            continue;
        }
        if let Some((entries, answer)) = obs.openai_list(paths::OPENAI_MODELS) {
            let mut identity = Identity::new(kind, paths::OPENAI_MODELS, answer);
            identity.models = entries.iter().filter_map(openai_model).collect();
            return Some(identity);
        }
        // Jan refuses every path alike when it has a key (the canary too), so the
        // canary cannot vouch for the answer: its exact text is the evidence.
        if kind == ProviderKind::Jan
            && let Some(refusal) = obs.answers.get(paths::OPENAI_MODELS)
            && refusal.is_challenge()
            && JAN_REFUSALS
                .iter()
                .any(|said| String::from_utf8_lossy(&refusal.body).trim() == *said)
        {
            let mut identity = Identity::new(kind, paths::OPENAI_MODELS, refusal);
            identity.auth_required = true;
            return Some(identity);
        }
    }
    None
}

fn openai_compatible(obs: &Observations) -> Option<Identity> {
    let (entries, answer) = obs
        .openai_list(paths::OPENAI_MODELS)
        .filter(|(entries, _)| !entries.is_empty())?;
    let mut identity = Identity::new(ProviderKind::OpenAiCompatible, paths::OPENAI_MODELS, answer);
    identity.models = entries.iter().filter_map(openai_model).collect();
    Some(identity)
}

/// The entries of an OpenAI model list: `{"object": "list", "data": [{"id": ..}, ..]}`,
/// every entry an object with a non-empty string `id`.
fn openai_entries(object: &Map<String, Value>) -> Option<&Vec<Value>> {
    if object.get("object").and_then(Value::as_str) != Some("list") {
        return None;
    }
    let entries = object.get("data")?.as_array()?;
    entries
        .iter()
        .all(|entry| {
            entry
                .get("id")
                .and_then(Value::as_str)
                .is_some_and(|id| !id.is_empty())
        })
        .then_some(entries)
}

fn openai_model(entry: &Value) -> Option<OfferedModel> {
    entry
        .get("id")
        .and_then(Value::as_str)
        .map(OfferedModel::named)
}

fn owned_by(entry: &Value) -> Option<&str> {
    entry.get("owned_by").and_then(Value::as_str)
}

fn text<'a>(object: &'a Map<String, Value>, field: &str) -> Option<&'a str> {
    object.get(field).and_then(Value::as_str)
}

fn number(object: &Map<String, Value>, field: &str) -> Option<u64> {
    object.get(field).and_then(Value::as_u64)
}

/// LocalAI prints its version as `v2.24.2 (commit)` (older: `LocalAI v2.x (commit)`).
fn looks_like_localai_version(version: &str) -> bool {
    version.starts_with("LocalAI") || (version.contains(" (") && version.ends_with(')'))
}

/// `v2.24.2` of `LocalAI v2.24.2 (0f4a1b2)`.
fn localai_release(version: &str) -> String {
    let version = version.trim_start_matches("LocalAI").trim();
    version
        .split(" (")
        .next()
        .unwrap_or(version)
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Observations of a server that answers `routes` and 404s everything else.
    fn server(routes: &[(&'static str, Exchange)]) -> Observations {
        let not_found = Exchange::text_body(404, "404 page not found");
        let mut answers = BTreeMap::new();
        for path in super::super::table::probe_paths() {
            answers.insert(path, not_found.clone());
        }
        for (path, answer) in routes {
            answers.insert(*path, answer.clone());
        }
        Observations {
            canary: Some(not_found),
            answers,
            table_kinds: Vec::new(),
        }
    }

    fn ok(value: Value) -> Exchange {
        Exchange::json_body(200, &value)
    }

    fn kind_of(obs: &Observations) -> Option<ProviderKind> {
        identify(obs).map(|identity| identity.kind)
    }

    fn ollama_routes() -> Vec<(&'static str, Exchange)> {
        vec![
            (paths::OLLAMA_VERSION, ok(json!({"version": "0.5.7"}))),
            (
                paths::OLLAMA_TAGS,
                ok(json!({"models": [{
                    "name": "llama3.2:latest", "model": "llama3.2:latest", "size": 2019393189u64,
                    "details": {"family": "llama", "parameter_size": "3.2B",
                                "quantization_level": "Q4_K_M"}
                }]})),
            ),
        ]
    }

    #[test]
    fn ollama_needs_both_its_version_and_its_tags() {
        let identity = identify(&server(&ollama_routes())).unwrap();
        assert_eq!(identity.kind, ProviderKind::Ollama);
        assert_eq!(identity.version.as_deref(), Some("0.5.7"));
        assert_eq!(identity.models[0].id, "llama3.2:latest");
        assert_eq!(identity.models[0].size_bytes, Some(2019393189));
        assert_eq!(identity.models[0].quantization.as_deref(), Some("Q4_K_M"));
        assert_eq!(identity.evidence, paths::OLLAMA_VERSION);

        // An OpenAI-compatible server imitating `/api/version` only.
        let imitator = server(&[
            (paths::OLLAMA_VERSION, ok(json!({"version": "0.5.7"}))),
            (
                paths::OPENAI_MODELS,
                ok(json!({"object": "list", "data": [{"id": "m", "owned_by": "me"}]})),
            ),
        ]);
        assert_eq!(kind_of(&imitator), Some(ProviderKind::OpenAiCompatible));
        let imitator = server(&[(paths::OLLAMA_VERSION, ok(json!({"version": "0.5.7"})))]);
        assert_eq!(kind_of(&imitator), None);
    }

    #[test]
    fn a_server_answering_the_same_to_everything_is_no_kind() {
        let everything = |answer: Exchange| {
            let mut obs = server(&[]);
            obs.canary = Some(answer.clone());
            for value in obs.answers.values_mut() {
                *value = answer.clone();
            }
            obs.table_kinds = ProviderKind::DISCOVERABLE.to_vec();
            obs
        };
        assert_eq!(kind_of(&everything(ok(json!({})))), None);
        // Even a body that has every kind's marks at once.
        let chimera = ok(json!({
            "version": "0.5.7", "models": [], "lmstudio": true, "result": "KoboldCpp",
            "object": "list", "data": [{"id": "m", "owned_by": "vllm"}],
            "default_generation_settings": {"n_ctx": 4096}, "total_slots": 1,
            "model_name": "m", "lora_names": []
        }));
        assert_eq!(kind_of(&everything(chimera)), None);
        assert_eq!(kind_of(&everything(Exchange::text_body(200, "OK"))), None);
        let refusal = Exchange::text_body(401, "Missing authorization header");
        let obs = everything(refusal);
        assert_eq!(
            kind_of(&obs),
            Some(ProviderKind::Jan),
            "Jan's refusal on Jan's port"
        );
        let mut obs = everything(Exchange::json_body(401, &json!({"detail": "Unauthorized"})));
        assert_eq!(kind_of(&obs), None);
        assert!(obs.any_refusal());
        obs.table_kinds.clear();
        assert_eq!(kind_of(&obs), None);
    }

    #[test]
    fn lm_studio_by_greeting_or_rest_models_despite_answering_everything() {
        let unexpected = |path: &str| {
            ok(json!({"error": format!("Unexpected endpoint or method. (GET {path})")}))
        };
        let mut routes: Vec<(&'static str, Exchange)> = super::super::table::probe_paths()
            .into_iter()
            .map(|path| (path, unexpected(path)))
            .collect();
        let mut obs = server(&routes);
        obs.canary = Some(unexpected(paths::CANARY));
        assert_eq!(kind_of(&obs), None, "200 to everything is not LM Studio");

        routes.push((paths::LM_STUDIO_GREETING, ok(json!({"lmstudio": true}))));
        routes.push((
            paths::LM_STUDIO_MODELS,
            ok(json!({"object": "list", "data": [
                {"id": "qwen2.5-7b-instruct", "object": "model", "type": "llm",
                 "publisher": "lmstudio-community", "arch": "qwen2", "quantization": "Q4_K_M",
                 "state": "not-loaded", "max_context_length": 32768},
                {"id": "text-embedding-nomic-embed-text-v1.5", "object": "model",
                 "type": "embeddings", "state": "not-loaded", "max_context_length": 2048}
            ]})),
        ));
        let mut obs = server(&routes);
        obs.canary = Some(unexpected(paths::CANARY));
        let identity = identify(&obs).unwrap();
        assert_eq!(identity.kind, ProviderKind::LmStudio);
        assert_eq!(identity.models.len(), 1, "embedding models are not offered");
        assert_eq!(identity.models[0].context_length, Some(32768));
        assert_eq!(identity.models[0].loaded, Some(false));
        assert_eq!(
            identity.readiness().map(|(r, _)| r),
            Some(Remediation::ModelNotLoaded)
        );

        // Without the greeting, the REST list alone identifies it.
        obs.answers.insert(
            paths::LM_STUDIO_GREETING,
            unexpected(paths::LM_STUDIO_GREETING),
        );
        assert_eq!(kind_of(&obs), Some(ProviderKind::LmStudio));
    }

    #[test]
    fn koboldcpp_wins_over_the_apis_it_imitates() {
        let mut routes = ollama_routes();
        routes.push((
            paths::LLAMA_CPP_PROPS,
            ok(json!({"default_generation_settings": {"n_ctx": 4096}, "total_slots": 1})),
        ));
        routes.push((
            paths::KOBOLDCPP_VERSION,
            ok(json!({"result": "KoboldCpp", "version": "1.78", "protected": false})),
        ));
        routes.push((paths::KOBOLDCPP_MAX_CONTEXT, ok(json!({"value": 8192}))));
        routes.push((
            paths::OPENAI_MODELS,
            ok(
                json!({"object": "list", "data": [{"id": "koboldcpp/Mistral-7B",
                "object": "model", "owned_by": "koboldcpp"}]}),
            ),
        ));
        let identity = identify(&server(&routes)).unwrap();
        assert_eq!(identity.kind, ProviderKind::KoboldCpp);
        assert_eq!(identity.version.as_deref(), Some("1.78"));
        assert_eq!(identity.models[0].context_length, Some(8192));
        assert!(!identity.auth_required);

        routes.push((
            paths::KOBOLDCPP_VERSION,
            ok(json!({"result": "KoboldCpp", "version": "1.78", "protected": true})),
        ));
        assert!(identify(&server(&routes)).unwrap().auth_required);
    }

    #[test]
    fn llama_cpp_by_props_or_owner_and_before_ollama() {
        let props = ok(json!({
            "default_generation_settings": {"n_ctx": 8192, "params": {}},
            "total_slots": 4, "model_path": "/models/Qwen2.5-7B-Q4_K_M.gguf",
            "build_info": "b4567-abcdef0"
        }));
        let list = ok(json!({"object": "list", "data": [{
            "id": "qwen", "object": "model", "owned_by": "llamacpp",
            "meta": {"n_ctx_train": 32768, "size": 4683073536u64, "n_params": 7615616512u64}
        }]}));
        let identity = identify(&server(&[(paths::LLAMA_CPP_PROPS, props.clone())])).unwrap();
        assert_eq!(identity.kind, ProviderKind::LlamaCpp);
        assert_eq!(identity.version.as_deref(), Some("b4567-abcdef0"));
        assert_eq!(identity.models[0].id, "Qwen2.5-7B-Q4_K_M.gguf");

        let mut routes = vec![
            (paths::LLAMA_CPP_PROPS, props),
            (paths::OPENAI_MODELS, list),
        ];
        let identity = identify(&server(&routes)).unwrap();
        assert_eq!(identity.models[0].id, "qwen");
        assert_eq!(identity.models[0].size_bytes, Some(4683073536));
        assert_eq!(identity.models[0].context_length, Some(8192));
        // llama.cpp also serves Ollama's tags: still llama.cpp.
        routes.extend(ollama_routes());
        assert_eq!(kind_of(&server(&routes)), Some(ProviderKind::LlamaCpp));
        // `/health` alone is anybody's.
        let health = server(&[(paths::HEALTH, ok(json!({"status": "ok"})))]);
        assert_eq!(kind_of(&health), None);
    }

    #[test]
    fn vllm_by_owner_or_by_its_open_version_when_keyed() {
        let list = ok(json!({"object": "list", "data": [{
            "id": "Qwen/Qwen2.5-1.5B-Instruct", "object": "model", "owned_by": "vllm",
            "root": "Qwen/Qwen2.5-1.5B-Instruct", "parent": null, "max_model_len": 32768
        }]}));
        let version = ok(json!({"version": "0.6.3"}));
        let identity = identify(&server(&[
            (paths::VERSION, version.clone()),
            (paths::OPENAI_MODELS, list),
        ]))
        .unwrap();
        assert_eq!(identity.kind, ProviderKind::Vllm);
        assert_eq!(identity.version.as_deref(), Some("0.6.3"));
        assert_eq!(identity.models[0].context_length, Some(32768));

        let unauthorized = Exchange::json_body(401, &json!({"error": "Unauthorized"}));
        let keyed = server(&[
            (paths::VERSION, version.clone()),
            (paths::OPENAI_MODELS, unauthorized.clone()),
            (paths::HEALTH, Exchange::text_body(200, "")),
        ]);
        let identity = identify(&keyed).unwrap();
        assert_eq!(identity.kind, ProviderKind::Vllm);
        assert!(identity.auth_required);
        assert!(identity.models.is_empty());
        assert_eq!(
            identity.readiness().map(|(r, _)| r),
            Some(Remediation::NeedsKey)
        );

        // A bare version and a 401 everywhere: not enough.
        let mut everywhere = keyed.clone();
        everywhere.canary = Some(unauthorized);
        assert_eq!(kind_of(&everywhere), None);
        // A bare version alone: nobody.
        assert_eq!(kind_of(&server(&[(paths::VERSION, version)])), None);
    }

    #[test]
    fn localai_is_not_vllm() {
        let routes = [
            (paths::READYZ, Exchange::text_body(200, "OK")),
            (paths::VERSION, ok(json!({"version": "v2.24.2 (0f4a1b2c)"}))),
            (
                paths::OPENAI_MODELS,
                ok(json!({"object": "list", "data": [{"id": "phi-2", "object": "model"}]})),
            ),
        ];
        let identity = identify(&server(&routes)).unwrap();
        assert_eq!(identity.kind, ProviderKind::LocalAi);
        assert_eq!(identity.version.as_deref(), Some("v2.24.2"));
        assert_eq!(identity.models[0].id, "phi-2");
        // Without `/readyz`, a version in LocalAI's form proves nothing by itself.
        assert_eq!(kind_of(&server(&routes[1..2])), None);
        assert_eq!(localai_release("LocalAI v2.1.0 (abc)"), "v2.1.0");
    }

    #[test]
    fn text_generation_webui_by_model_info() {
        let info = ok(json!({"model_name": "None", "lora_names": [], "loader": null}));
        let identity = identify(&server(&[(paths::TGWUI_MODEL_INFO, info)])).unwrap();
        assert_eq!(identity.kind, ProviderKind::TextGenerationWebui);
        assert!(identity.models.is_empty());
        assert_eq!(
            identity.readiness().map(|(r, _)| r),
            Some(Remediation::ModelNotLoaded)
        );
        let refused = Exchange::json_body(401, &json!({"detail": "Unauthorized"}));
        let identity = identify(&server(&[(paths::TGWUI_MODEL_INFO, refused)])).unwrap();
        assert!(identity.auth_required);
        let missing = server(&[(paths::TGWUI_MODEL_INFO, ok(json!({"model_name": "x"})))]);
        assert_eq!(kind_of(&missing), None);
    }

    #[test]
    fn port_decides_only_between_plain_openai_servers() {
        let list = ok(json!({"object": "list", "data": [
            {"id": "qwen3-4b", "object": "model", "created": 1, "owned_by": "user"}
        ]}));
        let mut obs = server(&[(paths::OPENAI_MODELS, list)]);
        assert_eq!(kind_of(&obs), Some(ProviderKind::OpenAiCompatible));
        obs.table_kinds = vec![ProviderKind::Jan];
        assert_eq!(kind_of(&obs), Some(ProviderKind::Jan));
        obs.table_kinds = vec![ProviderKind::Gpt4All];
        assert_eq!(kind_of(&obs), Some(ProviderKind::Gpt4All));
        // The port does not make an Ollama a Jan.
        let mut ollama = server(&ollama_routes());
        ollama.table_kinds = vec![ProviderKind::Jan];
        assert_eq!(kind_of(&ollama), Some(ProviderKind::Ollama));
        // Nor an empty list an OpenAI-compatible server.
        let empty = server(&[(
            paths::OPENAI_MODELS,
            ok(json!({"object": "list", "data": []})),
        )]);
        assert_eq!(kind_of(&empty), None);
    }

    #[test]
    fn gpt4all_and_docker_by_owner() {
        let gpt4all = ok(json!({"object": "list", "data": [{
            "id": "Llama 3 8B Instruct", "object": "model", "created": 0,
            "owned_by": "humanity", "root": "Llama 3 8B Instruct", "parent": null
        }]}));
        assert_eq!(
            kind_of(&server(&[(paths::OPENAI_MODELS, gpt4all)])),
            Some(ProviderKind::Gpt4All)
        );
        let docker = ok(json!({"object": "list", "data": [
            {"id": "ai/smollm2", "object": "model", "created": 1742816981, "owned_by": "docker"}
        ]}));
        assert_eq!(
            kind_of(&server(&[(paths::DOCKER_MODELS, docker)])),
            Some(ProviderKind::DockerModelRunner)
        );
        let empty = ok(json!({"object": "list", "data": []}));
        let mut obs = server(&[(paths::DOCKER_MODELS, empty)]);
        assert_eq!(kind_of(&obs), None);
        obs.table_kinds = vec![ProviderKind::DockerModelRunner];
        let identity = identify(&obs).unwrap();
        assert_eq!(identity.kind, ProviderKind::DockerModelRunner);
        assert_eq!(
            identity.readiness().map(|(r, _)| r),
            Some(Remediation::NoModels)
        );
    }

    #[test]
    fn what_servers_say_is_made_fit_to_show() {
        let many: Vec<Value> = (0..MAX_MODELS + 10)
            .map(|i| json!({"id": format!("m{i}"), "owned_by": "vllm"}))
            .collect();
        let mut data = vec![json!({"id": "evil\u{202E}name\u{7}", "owned_by": "vllm"})];
        data.extend(many);
        let obs = server(&[
            (
                paths::VERSION,
                ok(json!({"version": format!("0.6.3{}", "x".repeat(500))})),
            ),
            (
                paths::OPENAI_MODELS,
                ok(json!({"object": "list", "data": data})),
            ),
        ]);
        let identity = identify(&obs).unwrap();
        assert_eq!(identity.models.len(), MAX_MODELS);
        assert_eq!(identity.models[0].id, "evilname");
        assert_eq!(identity.version.unwrap().chars().count(), MAX_LABEL_CHARS);
    }

    #[test]
    fn truncated_bodies_are_never_parsed() {
        let mut answer = ok(json!({"version": "0.5.7"}));
        answer = Exchange::new(answer.status, answer.body, true, Duration::ZERO);
        assert!(answer.json().is_none());
    }
}
