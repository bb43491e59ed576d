//! The probe table: every kind of local model server discovery knows, the port(s) it
//! listens on by default, the requests whose answers identify it, and the base URL a
//! profile uses to talk to it.
//!
//! | kind | default port | identifying requests |
//! | --- | --- | --- |
//! | `ollama` | 11434 | `/api/version`, `/api/tags` |
//! | `lm_studio` | 1234 | `/lmstudio-greeting`, `/api/v0/models`, `/v1/models` |
//! | `llama_cpp` | 8080 | `/health`, `/props`, `/v1/models` |
//! | `vllm` | 8000 | `/version`, `/v1/models`, `/health`, `/readyz` |
//! | `localai` | 8080 | `/readyz`, `/version`, `/v1/models` |
//! | `koboldcpp` | 5001 | `/api/extra/version`, `/api/extra/true_max_context_length`, `/v1/models` |
//! | `text_generation_webui` | 5000 | `/v1/internal/model/info` |
//! | `jan` | 1337 | `/v1/models` |
//! | `gpt4all` | 4891 | `/v1/models` |
//! | `docker_model_runner` | 12434 | `/engines/v1/models` |
//!
//! Every reachable address is asked every request of the table (plus a canary path no
//! server serves, see [`paths::CANARY`]): a server is recognised by what it answers, not
//! by the port it happens to use. Ports only decide where to look, and are the tie-breaker
//! for the two kinds whose API is plain OpenAI (Jan, GPT4All; see `fingerprint`).
//!
//! `openai_compatible` is the fallback kind of a server that lists models the OpenAI way
//! and matches no other fingerprint; it has no default port.

use serde::Serialize;

use crate::provider_kind::ProviderKind;

/// The paths discovery requests, defined once for the table and the fingerprints.
pub mod paths {
    /// A path no server serves: what an address answers here is what it answers to
    /// anything, so an identifying path that answers the same proves nothing.
    pub const CANARY: &str = "/llm-agent-discovery-canary";
    /// Ollama: `{"version":"0.5.7"}`.
    pub const OLLAMA_VERSION: &str = "/api/version";
    /// Ollama: `{"models":[{"name","model","size","details":{..}}]}`.
    pub const OLLAMA_TAGS: &str = "/api/tags";
    /// LM Studio: `{"lmstudio":true}`.
    pub const LM_STUDIO_GREETING: &str = "/lmstudio-greeting";
    /// LM Studio's REST API (0.3.6+): models with `state`, `max_context_length`.
    pub const LM_STUDIO_MODELS: &str = "/api/v0/models";
    /// llama.cpp: `{"status":"ok"}`; vLLM: an empty 200.
    pub const HEALTH: &str = "/health";
    /// llama.cpp: `default_generation_settings` and `total_slots`.
    pub const LLAMA_CPP_PROPS: &str = "/props";
    /// The OpenAI model list most servers offer.
    pub const OPENAI_MODELS: &str = "/v1/models";
    /// vLLM: `{"version":"0.6.3"}`; LocalAI: `{"version":"v2.24.2 (commit)"}`.
    pub const VERSION: &str = "/version";
    /// LocalAI's readiness probe: an empty or `OK` 200.
    pub const READYZ: &str = "/readyz";
    /// KoboldCpp: `{"result":"KoboldCpp","version":"1.78",..}`.
    pub const KOBOLDCPP_VERSION: &str = "/api/extra/version";
    /// KoboldCpp: `{"value":8192}`, the context size it was started with.
    pub const KOBOLDCPP_MAX_CONTEXT: &str = "/api/extra/true_max_context_length";
    /// text-generation-webui: `{"model_name":"..","lora_names":[]}`.
    pub const TGWUI_MODEL_INFO: &str = "/v1/internal/model/info";
    /// Docker Model Runner's OpenAI model list (`owned_by: docker`).
    pub const DOCKER_MODELS: &str = "/engines/v1/models";
}

/// The requests asked for a kind's sake (see `fingerprint` for which answers decide and
/// which only add detail).
pub fn requests(kind: ProviderKind) -> &'static [&'static str] {
    use paths::*;
    match kind {
        ProviderKind::Ollama => &[OLLAMA_VERSION, OLLAMA_TAGS],
        ProviderKind::LmStudio => &[LM_STUDIO_GREETING, LM_STUDIO_MODELS, OPENAI_MODELS],
        ProviderKind::LlamaCpp => &[HEALTH, LLAMA_CPP_PROPS, OPENAI_MODELS],
        ProviderKind::Vllm => &[VERSION, OPENAI_MODELS, HEALTH, READYZ],
        ProviderKind::LocalAi => &[READYZ, VERSION, OPENAI_MODELS],
        ProviderKind::KoboldCpp => &[KOBOLDCPP_VERSION, KOBOLDCPP_MAX_CONTEXT, OPENAI_MODELS],
        ProviderKind::TextGenerationWebui => &[TGWUI_MODEL_INFO],
        ProviderKind::Jan | ProviderKind::Gpt4All | ProviderKind::OpenAiCompatible => {
            &[OPENAI_MODELS]
        }
        ProviderKind::DockerModelRunner => &[DOCKER_MODELS],
        // Remote APIs are never probed.
        ProviderKind::OpenAi | ProviderKind::AzureOpenAi | ProviderKind::Anthropic => &[],
    }
}

/// What discovery calls a server of `kind` in a sentence: the fallback kind is "an
/// OpenAI-compatible server", since finding one is all discovery knows of it.
pub fn server_name(kind: ProviderKind) -> &'static str {
    match kind {
        ProviderKind::OpenAiCompatible => "an OpenAI-compatible server",
        other => other.display_name(),
    }
}

/// Every distinct path of the table, in a stable order.
pub fn probe_paths() -> Vec<&'static str> {
    let mut all: Vec<&'static str> = Vec::new();
    for kind in ProviderKind::DISCOVERABLE {
        for path in requests(kind) {
            if !all.contains(path) {
                all.push(path);
            }
        }
    }
    all
}

/// The ports of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KindPorts {
    pub kind: ProviderKind,
    pub ports: Vec<u16>,
}

/// Where each kind is looked for. [`ProbeTable::default`] holds the default ports; tests
/// and users with servers on other ports replace a kind's ports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProbeTable {
    entries: Vec<KindPorts>,
}

impl Default for ProbeTable {
    fn default() -> Self {
        ProbeTable {
            entries: ProviderKind::DISCOVERABLE
                .into_iter()
                .map(|kind| KindPorts {
                    kind,
                    ports: kind.default_ports().to_vec(),
                })
                .collect(),
        }
    }
}

impl ProbeTable {
    /// Every kind of the table, with no port: only ports set afterwards (and extra
    /// endpoints) are probed.
    pub fn without_ports() -> Self {
        ProbeTable {
            entries: ProviderKind::DISCOVERABLE
                .into_iter()
                .map(|kind| KindPorts {
                    kind,
                    ports: Vec::new(),
                })
                .collect(),
        }
    }

    /// Replaces the ports of `kind`.
    pub fn set_ports(&mut self, kind: ProviderKind, ports: impl IntoIterator<Item = u16>) {
        let ports: Vec<u16> = ports.into_iter().collect();
        match self.entries.iter_mut().find(|entry| entry.kind == kind) {
            Some(entry) => entry.ports = ports,
            None => self.entries.push(KindPorts { kind, ports }),
        }
    }

    /// [`ProbeTable::set_ports`], by value.
    pub fn with_ports(mut self, kind: ProviderKind, ports: impl IntoIterator<Item = u16>) -> Self {
        self.set_ports(kind, ports);
        self
    }

    /// The ports of `kind`.
    pub fn ports(&self, kind: ProviderKind) -> &[u16] {
        self.entries
            .iter()
            .find(|entry| entry.kind == kind)
            .map(|entry| entry.ports.as_slice())
            .unwrap_or_default()
    }

    /// Every port to probe, ascending, each once.
    pub fn all_ports(&self) -> Vec<u16> {
        let mut ports: Vec<u16> = self
            .entries
            .iter()
            .flat_map(|entry| entry.ports.iter().copied())
            .collect();
        ports.sort_unstable();
        ports.dedup();
        ports
    }

    /// The kinds the table places on `port`.
    pub fn kinds_on(&self, port: u16) -> Vec<ProviderKind> {
        self.entries
            .iter()
            .filter(|entry| entry.ports.contains(&port))
            .map(|entry| entry.kind)
            .collect()
    }

    /// Each kind with its ports, in table order.
    pub fn entries(&self) -> &[KindPorts] {
        &self.entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_table_has_every_kind_on_its_port() {
        let table = ProbeTable::default();
        assert_eq!(table.ports(ProviderKind::Ollama), [11434]);
        assert_eq!(table.ports(ProviderKind::LmStudio), [1234]);
        assert_eq!(table.ports(ProviderKind::DockerModelRunner), [12434]);
        assert_eq!(
            table.kinds_on(8080),
            [ProviderKind::LlamaCpp, ProviderKind::LocalAi]
        );
        assert_eq!(
            table.all_ports(),
            [1234, 1337, 4891, 5000, 5001, 8000, 8080, 11434, 12434]
        );
        assert!(table.ports(ProviderKind::OpenAiCompatible).is_empty());
    }

    #[test]
    fn ports_are_replaceable() {
        let table = ProbeTable::without_ports().with_ports(ProviderKind::Jan, [40000, 40001]);
        assert_eq!(table.all_ports(), [40000, 40001]);
        assert_eq!(table.kinds_on(40001), [ProviderKind::Jan]);
        assert!(table.ports(ProviderKind::Ollama).is_empty());
    }

    #[test]
    fn every_discoverable_kind_is_asked_something() {
        for kind in ProviderKind::DISCOVERABLE {
            assert!(!requests(kind).is_empty(), "{kind}");
        }
    }

    #[test]
    fn probe_paths_are_distinct() {
        let paths = probe_paths();
        let mut sorted = paths.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(paths.len(), sorted.len());
        assert!(!paths.contains(&paths::CANARY));
    }
}
