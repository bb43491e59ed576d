//! What a sweep reports: one [`DiscoveryFinding`] per server found (however many
//! addresses reach it), and one [`ProbeError`] per probe that failed in a way worth
//! showing, each with a [`Remediation`] a learner can act on.

use serde::Serialize;

use super::reconcile::Conflict;
use crate::provider_kind::ProviderKind;

/// A model a server offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfferedModel {
    /// The name a request uses.
    pub id: String,
    /// Size on disk (or in memory), in bytes, when the server says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size_bytes: Option<u64>,
    /// Context length in tokens, when the server says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context_length: Option<u64>,
    /// Whether it is loaded and ready, when the server says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loaded: Option<bool>,
    /// Quantization (`Q4_K_M`, `4bit`), when the server says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantization: Option<String>,
}

impl OfferedModel {
    /// A model known only by name.
    pub fn named(id: impl Into<String>) -> OfferedModel {
        OfferedModel {
            id: id.into(),
            size_bytes: None,
            context_length: None,
            loaded: None,
            quantization: None,
        }
    }
}

/// What a learner can do about a failed probe or a finding that is not ready.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Remediation {
    /// Nothing listens there: start the server, or fix the address.
    NotRunning,
    /// It accepts connections but did not answer in time: it is busy or hung.
    NotResponding,
    /// It refuses requests without an API key.
    NeedsKey,
    /// It runs but has no model loaded.
    ModelNotLoaded,
    /// It runs but has no model at all.
    NoModels,
    /// It answered, but not like any server discovery knows.
    NotRecognised,
    /// The configured endpoint is not a usable URL.
    InvalidEndpoint,
}

impl Remediation {
    /// The stable code, as the wire spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Remediation::NotRunning => "not_running",
            Remediation::NotResponding => "not_responding",
            Remediation::NeedsKey => "needs_key",
            Remediation::ModelNotLoaded => "model_not_loaded",
            Remediation::NoModels => "no_models",
            Remediation::NotRecognised => "not_recognised",
            Remediation::InvalidEndpoint => "invalid_endpoint",
        }
    }
}

/// A server found by a sweep.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiscoveryFinding {
    pub kind: ProviderKind,
    /// The base URL a profile of this kind uses (`http://127.0.0.1:11434`,
    /// `http://127.0.0.1:1234/v1`).
    pub endpoint: String,
    /// `host:port` of the address that answered (`127.0.0.1:11434`, `[::1]:8080`).
    pub address: String,
    pub port: u16,
    /// Other addresses that reach the same server.
    pub also_reachable_at: Vec<String>,
    /// The server's version, when it says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The models it offers; empty when it has none or would not say (`auth_required`).
    pub models: Vec<OfferedModel>,
    /// Time the identifying request took, in milliseconds.
    pub latency_ms: u64,
    /// It refused a request for want of an API key.
    pub auth_required: bool,
    /// Set when the server is not ready to use as it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remediation: Option<Remediation>,
    /// What to do about `remediation`, for people.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// Existing profiles that disagree with what was found (see `reconcile`).
    pub conflicts: Vec<Conflict>,
}

impl DiscoveryFinding {
    /// Every address that reaches the server: `address` first.
    pub fn addresses(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.address.as_str())
            .chain(self.also_reachable_at.iter().map(String::as_str))
    }

    /// Whether `other` is the same server seen at another address: same kind, same
    /// port, and the same identity (version, models, key requirement). Two servers of
    /// one kind on one port at two addresses that also agree on all of that cannot be
    /// told apart from one, and are shown as one.
    pub fn same_server(&self, other: &DiscoveryFinding) -> bool {
        self.kind == other.kind
            && self.port == other.port
            && self.version == other.version
            && self.auth_required == other.auth_required
            && sorted_models(&self.models) == sorted_models(&other.models)
    }
}

fn sorted_models(models: &[OfferedModel]) -> Vec<&OfferedModel> {
    let mut sorted: Vec<&OfferedModel> = models.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    sorted
}

/// Collapses findings of one server at several addresses into one, keeping the first
/// (so callers order findings by preference: IPv4 loopback, IPv6 loopback, then extra
/// endpoints) and listing the others in `also_reachable_at`.
pub fn collapse(findings: Vec<DiscoveryFinding>) -> Vec<DiscoveryFinding> {
    let mut kept: Vec<DiscoveryFinding> = Vec::with_capacity(findings.len());
    for finding in findings {
        match kept.iter_mut().find(|k| k.same_server(&finding)) {
            Some(first) => {
                first.also_reachable_at.push(finding.address);
                first.also_reachable_at.extend(finding.also_reachable_at);
            }
            None => kept.push(finding),
        }
    }
    kept
}

/// A probe that failed in a way worth showing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProbeError {
    /// The base URL probed (`http://127.0.0.1:8080`), or the endpoint as configured when
    /// it is not a URL.
    pub endpoint: String,
    /// `host:port`, when the endpoint has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// The kinds the table expects there (empty for an extra endpoint on another port).
    pub expected: Vec<ProviderKind>,
    pub remediation: Remediation,
    /// What happened.
    pub message: String,
    /// What to do about it.
    pub hint: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(address: &str, port: u16, version: &str, models: &[&str]) -> DiscoveryFinding {
        DiscoveryFinding {
            kind: ProviderKind::Ollama,
            endpoint: format!("http://{address}"),
            address: address.into(),
            port,
            also_reachable_at: Vec::new(),
            version: Some(version.into()),
            models: models.iter().map(|m| OfferedModel::named(*m)).collect(),
            latency_ms: 1,
            auth_required: false,
            remediation: None,
            hint: None,
            conflicts: Vec::new(),
        }
    }

    #[test]
    fn the_same_server_at_two_addresses_collapses() {
        let found = collapse(vec![
            finding("127.0.0.1:11434", 11434, "0.5.7", &["a", "b"]),
            finding("[::1]:11434", 11434, "0.5.7", &["b", "a"]),
        ]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].address, "127.0.0.1:11434");
        assert_eq!(found[0].also_reachable_at, ["[::1]:11434"]);
        assert_eq!(
            found[0].addresses().collect::<Vec<_>>(),
            ["127.0.0.1:11434", "[::1]:11434"]
        );
    }

    #[test]
    fn different_identities_stay_apart() {
        let found = collapse(vec![
            finding("127.0.0.1:11434", 11434, "0.5.7", &["a"]),
            finding("[::1]:11434", 11434, "0.5.8", &["a"]),
            finding("127.0.0.1:11435", 11435, "0.5.7", &["a"]),
            finding("[::1]:11435", 11435, "0.5.7", &["a", "c"]),
        ]);
        assert_eq!(found.len(), 4);
    }

    #[test]
    fn remediations_serialize_as_their_codes() {
        for remediation in [
            Remediation::NotRunning,
            Remediation::NotResponding,
            Remediation::NeedsKey,
            Remediation::ModelNotLoaded,
            Remediation::NoModels,
            Remediation::NotRecognised,
            Remediation::InvalidEndpoint,
        ] {
            assert_eq!(
                serde_json::to_value(remediation).unwrap(),
                serde_json::json!(remediation.as_str())
            );
        }
    }
}
