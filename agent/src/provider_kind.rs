//! Every kind of provider the agent knows, and the facts about each: its wire name, the
//! dialect it is spoken to in, whether it needs a key, the ports it listens on by
//! default, where its API sits under its origin, and what people call it.
//!
//! This is the one list: validation, prompt tests, discovery, the catalog and the names
//! of adopted profiles all read it. The protocol crate publishes the same wire names to
//! clients (`PROVIDERS`, `PROVIDERS_REQUIRING_KEY`); a test keeps the two equal.

use serde::{Deserialize, Serialize};

use crate::providers::Dialect;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderKind {
    Ollama,
    LlamaCpp,
    LmStudio,
    Vllm,
    #[serde(rename = "localai")]
    LocalAi,
    #[serde(rename = "koboldcpp")]
    KoboldCpp,
    TextGenerationWebui,
    Jan,
    #[serde(rename = "gpt4all")]
    Gpt4All,
    DockerModelRunner,
    /// Any server that speaks OpenAI's chat completions; also what discovery calls an
    /// OpenAI-shaped server of no known kind.
    #[serde(rename = "openai_compatible")]
    OpenAiCompatible,
    #[serde(rename = "openai")]
    OpenAi,
    #[serde(rename = "azure_openai")]
    AzureOpenAi,
    Anthropic,
}

impl ProviderKind {
    /// Every kind, in the order the protocol lists them.
    pub const ALL: [ProviderKind; 14] = [
        ProviderKind::Ollama,
        ProviderKind::LlamaCpp,
        ProviderKind::LmStudio,
        ProviderKind::Vllm,
        ProviderKind::LocalAi,
        ProviderKind::KoboldCpp,
        ProviderKind::TextGenerationWebui,
        ProviderKind::Jan,
        ProviderKind::Gpt4All,
        ProviderKind::DockerModelRunner,
        ProviderKind::OpenAiCompatible,
        ProviderKind::OpenAi,
        ProviderKind::AzureOpenAi,
        ProviderKind::Anthropic,
    ];

    /// The local servers discovery probes for, in probe-table order (the fallback kind
    /// `openai_compatible` is not probed for: it is what an unknown OpenAI-shaped server
    /// is reported as).
    pub const DISCOVERABLE: [ProviderKind; 10] = [
        ProviderKind::Ollama,
        ProviderKind::LmStudio,
        ProviderKind::LlamaCpp,
        ProviderKind::Vllm,
        ProviderKind::LocalAi,
        ProviderKind::KoboldCpp,
        ProviderKind::TextGenerationWebui,
        ProviderKind::Jan,
        ProviderKind::Gpt4All,
        ProviderKind::DockerModelRunner,
    ];

    /// The wire name (`ollama`, `llama_cpp`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Ollama => "ollama",
            ProviderKind::LlamaCpp => "llama_cpp",
            ProviderKind::LmStudio => "lm_studio",
            ProviderKind::Vllm => "vllm",
            ProviderKind::LocalAi => "localai",
            ProviderKind::KoboldCpp => "koboldcpp",
            ProviderKind::TextGenerationWebui => "text_generation_webui",
            ProviderKind::Jan => "jan",
            ProviderKind::Gpt4All => "gpt4all",
            ProviderKind::DockerModelRunner => "docker_model_runner",
            ProviderKind::OpenAiCompatible => "openai_compatible",
            ProviderKind::OpenAi => "openai",
            ProviderKind::AzureOpenAi => "azure_openai",
            ProviderKind::Anthropic => "anthropic",
        }
    }

    /// The kind of a wire name, if this build knows it.
    pub fn from_wire(name: &str) -> Option<ProviderKind> {
        ProviderKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
    }

    /// The kind of a wire name if discovery can report it (a discoverable kind, or
    /// `openai_compatible`).
    pub fn discoverable(name: &str) -> Option<ProviderKind> {
        ProviderKind::from_wire(name).filter(|kind| {
            *kind == ProviderKind::OpenAiCompatible || ProviderKind::DISCOVERABLE.contains(kind)
        })
    }

    /// How the provider is spoken to.
    pub fn dialect(self) -> Dialect {
        match self {
            ProviderKind::Ollama => Dialect::Ollama,
            ProviderKind::Anthropic => Dialect::Anthropic,
            ProviderKind::AzureOpenAi => Dialect::Azure,
            _ => Dialect::OpenAi,
        }
    }

    /// Whether the provider refuses requests without an API key.
    pub fn needs_key(self) -> bool {
        matches!(
            self,
            ProviderKind::OpenAi | ProviderKind::AzureOpenAi | ProviderKind::Anthropic
        )
    }

    /// The name a sentence uses for the server (`Ollama refused`, `the llama.cpp server
    /// refused`); `the server` where the kind says nothing about which server it is.
    pub fn display_name(self) -> &'static str {
        match self {
            ProviderKind::Ollama => "Ollama",
            ProviderKind::LlamaCpp => "the llama.cpp server",
            ProviderKind::LmStudio => "LM Studio",
            ProviderKind::Vllm => "vLLM",
            ProviderKind::LocalAi => "LocalAI",
            ProviderKind::KoboldCpp => "KoboldCpp",
            ProviderKind::TextGenerationWebui => "text-generation-webui",
            ProviderKind::Jan => "Jan",
            ProviderKind::Gpt4All => "GPT4All",
            ProviderKind::DockerModelRunner => "Docker Model Runner",
            ProviderKind::OpenAiCompatible => "the server",
            ProviderKind::OpenAi => "OpenAI",
            ProviderKind::AzureOpenAi => "Azure OpenAI",
            ProviderKind::Anthropic => "Anthropic",
        }
    }

    /// The name at the start of a title (`llama.cpp server on 127.0.0.1:8080`).
    pub fn title(self) -> &'static str {
        match self {
            ProviderKind::LlamaCpp => "llama.cpp server",
            ProviderKind::OpenAiCompatible => "OpenAI-compatible server",
            other => other.display_name(),
        }
    }

    /// The ports a local server of this kind listens on unless configured otherwise.
    pub fn default_ports(self) -> &'static [u16] {
        match self {
            ProviderKind::Ollama => &[11434],
            ProviderKind::LmStudio => &[1234],
            ProviderKind::LlamaCpp => &[8080],
            ProviderKind::Vllm => &[8000],
            ProviderKind::LocalAi => &[8080],
            ProviderKind::KoboldCpp => &[5001],
            ProviderKind::TextGenerationWebui => &[5000],
            ProviderKind::Jan => &[1337],
            ProviderKind::Gpt4All => &[4891],
            ProviderKind::DockerModelRunner => &[12434],
            ProviderKind::OpenAiCompatible
            | ProviderKind::OpenAi
            | ProviderKind::AzureOpenAi
            | ProviderKind::Anthropic => &[],
        }
    }

    /// What a profile's endpoint appends to a local server's origin: Ollama speaks its
    /// own API at the root, Docker Model Runner its OpenAI API under `/engines/v1`, the
    /// others theirs under `/v1`.
    pub fn api_base(self) -> &'static str {
        match self {
            ProviderKind::Ollama => "",
            ProviderKind::DockerModelRunner => "/engines/v1",
            _ => "/v1",
        }
    }

    /// Whether the server answers with whichever model it has loaded, whatever model a
    /// request names (so a profile's model name need not match its list).
    pub fn serves_any_model_name(self) -> bool {
        matches!(self, ProviderKind::KoboldCpp)
    }
}

impl std::fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use llm_agent_protocol::methods::profiles::{PROVIDERS, PROVIDERS_REQUIRING_KEY};

    use super::*;

    #[test]
    fn the_list_is_the_one_the_protocol_publishes() {
        let names: Vec<&str> = ProviderKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names, PROVIDERS);
        let needing_keys: Vec<&str> = ProviderKind::ALL
            .iter()
            .filter(|k| k.needs_key())
            .map(|k| k.as_str())
            .collect();
        assert_eq!(needing_keys, PROVIDERS_REQUIRING_KEY);
        for kind in ProviderKind::ALL {
            assert_eq!(ProviderKind::from_wire(kind.as_str()), Some(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(
                json,
                format!("\"{}\"", kind.as_str()),
                "serde spells it the wire's way"
            );
        }
        assert_eq!(ProviderKind::from_wire("nobody"), None);
    }

    #[test]
    fn only_local_servers_are_discoverable_and_have_default_ports() {
        for kind in ProviderKind::ALL {
            let probed = ProviderKind::DISCOVERABLE.contains(&kind);
            assert_eq!(probed, !kind.default_ports().is_empty(), "{kind}");
            assert!(!(probed && kind.needs_key()), "{kind}");
        }
        assert_eq!(
            ProviderKind::discoverable("openai_compatible"),
            Some(ProviderKind::OpenAiCompatible)
        );
        assert_eq!(ProviderKind::discoverable("openai"), None);
    }
}
