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

use serde::{Deserialize, Serialize};

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

/// A kind of model server, named by its provider wire string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ServerKind {
    #[serde(rename = "ollama")]
    Ollama,
    #[serde(rename = "lm_studio")]
    LmStudio,
    #[serde(rename = "llama_cpp")]
    LlamaCpp,
    #[serde(rename = "vllm")]
    Vllm,
    #[serde(rename = "localai")]
    LocalAi,
    #[serde(rename = "koboldcpp")]
    KoboldCpp,
    #[serde(rename = "text_generation_webui")]
    TextGenerationWebui,
    #[serde(rename = "jan")]
    Jan,
    #[serde(rename = "gpt4all")]
    Gpt4All,
    #[serde(rename = "docker_model_runner")]
    DockerModelRunner,
    /// Lists models the OpenAI way and matches no other fingerprint.
    #[serde(rename = "openai_compatible")]
    OpenAiCompatible,
}

impl ServerKind {
    /// The kinds of the probe table, in table order (without the fallback kind).
    pub const TABLE: [ServerKind; 10] = [
        ServerKind::Ollama,
        ServerKind::LmStudio,
        ServerKind::LlamaCpp,
        ServerKind::Vllm,
        ServerKind::LocalAi,
        ServerKind::KoboldCpp,
        ServerKind::TextGenerationWebui,
        ServerKind::Jan,
        ServerKind::Gpt4All,
        ServerKind::DockerModelRunner,
    ];

    /// The provider wire string.
    pub fn as_str(self) -> &'static str {
        match self {
            ServerKind::Ollama => "ollama",
            ServerKind::LmStudio => "lm_studio",
            ServerKind::LlamaCpp => "llama_cpp",
            ServerKind::Vllm => "vllm",
            ServerKind::LocalAi => "localai",
            ServerKind::KoboldCpp => "koboldcpp",
            ServerKind::TextGenerationWebui => "text_generation_webui",
            ServerKind::Jan => "jan",
            ServerKind::Gpt4All => "gpt4all",
            ServerKind::DockerModelRunner => "docker_model_runner",
            ServerKind::OpenAiCompatible => "openai_compatible",
        }
    }

    /// The kind of a provider wire string, if discovery knows it.
    pub fn from_provider(provider: &str) -> Option<ServerKind> {
        ServerKind::TABLE
            .into_iter()
            .chain([ServerKind::OpenAiCompatible])
            .find(|kind| kind.as_str() == provider)
    }

    /// The name people know the server by.
    pub fn display_name(self) -> &'static str {
        match self {
            ServerKind::OpenAiCompatible => "an OpenAI-compatible server",
            _ => crate::providers::display_name(self.as_str()),
        }
    }

    /// The ports the server listens on unless configured otherwise.
    pub fn default_ports(self) -> &'static [u16] {
        match self {
            ServerKind::Ollama => &[11434],
            ServerKind::LmStudio => &[1234],
            ServerKind::LlamaCpp => &[8080],
            ServerKind::Vllm => &[8000],
            ServerKind::LocalAi => &[8080],
            ServerKind::KoboldCpp => &[5001],
            ServerKind::TextGenerationWebui => &[5000],
            ServerKind::Jan => &[1337],
            ServerKind::Gpt4All => &[4891],
            ServerKind::DockerModelRunner => &[12434],
            ServerKind::OpenAiCompatible => &[],
        }
    }

    /// The requests asked for the kind's sake (see `fingerprint` for which answers
    /// decide and which only add detail).
    pub fn requests(self) -> &'static [&'static str] {
        use paths::*;
        match self {
            ServerKind::Ollama => &[OLLAMA_VERSION, OLLAMA_TAGS],
            ServerKind::LmStudio => &[LM_STUDIO_GREETING, LM_STUDIO_MODELS, OPENAI_MODELS],
            ServerKind::LlamaCpp => &[HEALTH, LLAMA_CPP_PROPS, OPENAI_MODELS],
            ServerKind::Vllm => &[VERSION, OPENAI_MODELS, HEALTH, READYZ],
            ServerKind::LocalAi => &[READYZ, VERSION, OPENAI_MODELS],
            ServerKind::KoboldCpp => &[KOBOLDCPP_VERSION, KOBOLDCPP_MAX_CONTEXT, OPENAI_MODELS],
            ServerKind::TextGenerationWebui => &[TGWUI_MODEL_INFO],
            ServerKind::Jan | ServerKind::Gpt4All | ServerKind::OpenAiCompatible => {
                &[OPENAI_MODELS]
            }
            ServerKind::DockerModelRunner => &[DOCKER_MODELS],
        }
    }

    /// What a profile's endpoint appends to the server's origin: Ollama speaks its own
    /// API at the root, Docker Model Runner its OpenAI API under `/engines/v1`, the
    /// others theirs under `/v1`.
    pub fn api_base(self) -> &'static str {
        match self {
            ServerKind::Ollama => "",
            ServerKind::DockerModelRunner => "/engines/v1",
            _ => "/v1",
        }
    }

    /// Whether the server answers with whichever model it has loaded, whatever model a
    /// request names (so a profile's model name need not match its list).
    pub fn serves_any_model_name(self) -> bool {
        matches!(self, ServerKind::KoboldCpp)
    }
}

impl std::fmt::Display for ServerKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every distinct path of the table, in a stable order.
pub fn probe_paths() -> Vec<&'static str> {
    let mut all: Vec<&'static str> = Vec::new();
    for kind in ServerKind::TABLE {
        for path in kind.requests() {
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
    pub kind: ServerKind,
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
            entries: ServerKind::TABLE
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
            entries: ServerKind::TABLE
                .into_iter()
                .map(|kind| KindPorts {
                    kind,
                    ports: Vec::new(),
                })
                .collect(),
        }
    }

    /// Replaces the ports of `kind`.
    pub fn set_ports(&mut self, kind: ServerKind, ports: impl IntoIterator<Item = u16>) {
        let ports: Vec<u16> = ports.into_iter().collect();
        match self.entries.iter_mut().find(|entry| entry.kind == kind) {
            Some(entry) => entry.ports = ports,
            None => self.entries.push(KindPorts { kind, ports }),
        }
    }

    /// [`ProbeTable::set_ports`], by value.
    pub fn with_ports(mut self, kind: ServerKind, ports: impl IntoIterator<Item = u16>) -> Self {
        self.set_ports(kind, ports);
        self
    }

    /// The ports of `kind`.
    pub fn ports(&self, kind: ServerKind) -> &[u16] {
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
    pub fn kinds_on(&self, port: u16) -> Vec<ServerKind> {
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
        assert_eq!(table.ports(ServerKind::Ollama), [11434]);
        assert_eq!(table.ports(ServerKind::LmStudio), [1234]);
        assert_eq!(table.ports(ServerKind::DockerModelRunner), [12434]);
        assert_eq!(
            table.kinds_on(8080),
            [ServerKind::LlamaCpp, ServerKind::LocalAi]
        );
        assert_eq!(
            table.all_ports(),
            [1234, 1337, 4891, 5000, 5001, 8000, 8080, 11434, 12434]
        );
        assert!(table.ports(ServerKind::OpenAiCompatible).is_empty());
    }

    #[test]
    fn ports_are_replaceable() {
        let table = ProbeTable::without_ports().with_ports(ServerKind::Jan, [40000, 40001]);
        assert_eq!(table.all_ports(), [40000, 40001]);
        assert_eq!(table.kinds_on(40001), [ServerKind::Jan]);
        assert!(table.ports(ServerKind::Ollama).is_empty());
    }

    #[test]
    fn kinds_round_trip_their_provider_strings() {
        for kind in ServerKind::TABLE {
            assert_eq!(ServerKind::from_provider(kind.as_str()), Some(kind));
            assert!(
                llm_agent_protocol::methods::profiles::PROVIDERS.contains(&kind.as_str()),
                "{kind} is a provider"
            );
            assert_eq!(
                serde_json::to_value(kind).unwrap(),
                serde_json::json!(kind.as_str())
            );
        }
        assert_eq!(ServerKind::from_provider("openai"), None);
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
