//! What a sweep reports: one [`DiscoveryFinding`] per server found (however many
//! addresses reach it), and one [`ProbeError`] per probe that failed in a way worth
//! showing, each with a [`Remediation`] a learner can act on.

use llm_agent_l10n::Text;
use llm_agent_protocol::methods::discovery as wire;
pub use llm_agent_protocol::methods::discovery::OfferedModel;

use crate::provider_kind::ProviderKind;
use crate::texts;

/// What kind of disagreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ConflictClass {
    KindMismatch,
    ModelNotOffered,
    PortMoved,
    KeyRequired,
}

impl ConflictClass {
    /// The stable code, as the wire spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ConflictClass::KindMismatch => "kind_mismatch",
            ConflictClass::ModelNotOffered => "model_not_offered",
            ConflictClass::PortMoved => "port_moved",
            ConflictClass::KeyRequired => "key_required",
        }
    }
}

/// A profile that disagrees with a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub profile_id: String,
    pub class: ConflictClass,
    /// What disagrees.
    pub message: Text,
    /// What to do about it.
    pub remediation: Text,
}

/// What a learner can do about a failed probe or a finding that is not ready.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
#[derive(Debug, Clone, PartialEq)]
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
    pub version: Option<String>,
    /// The models it offers; empty when it has none or would not say (`auth_required`).
    pub models: Vec<OfferedModel>,
    /// Time the identifying request took, in milliseconds.
    pub latency_ms: u64,
    /// It refused a request for want of an API key.
    pub auth_required: bool,
    /// Set when the server is not ready to use as it is.
    pub remediation: Option<Remediation>,
    /// What to do about `remediation`, for people.
    pub hint: Option<Text>,
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeError {
    /// The base URL probed (`http://127.0.0.1:8080`), or the endpoint as configured when
    /// it is not a URL.
    pub endpoint: String,
    /// `host:port`, when the endpoint has one.
    pub address: Option<String>,
    /// The kinds the table expects there (empty for an extra endpoint on another port).
    pub expected: Vec<ProviderKind>,
    pub remediation: Remediation,
    /// What happened.
    pub message: Text,
    /// What to do about it.
    pub hint: Text,
}

impl From<Conflict> for wire::Conflict {
    fn from(conflict: Conflict) -> Self {
        let (message, message_id, message_args) = texts::parts(conflict.message);
        let (remediation, remediation_id, remediation_args) = texts::parts(conflict.remediation);
        wire::Conflict {
            profile_id: conflict.profile_id,
            class: conflict.class.as_str().to_owned(),
            message,
            message_id,
            message_args,
            remediation,
            remediation_id,
            remediation_args,
        }
    }
}

impl From<DiscoveryFinding> for wire::Finding {
    fn from(finding: DiscoveryFinding) -> Self {
        let (hint, hint_id, hint_args) = match finding.hint.map(texts::parts) {
            Some((hint, id, args)) => (Some(hint), id, args),
            None => (None, None, Default::default()),
        };
        wire::Finding {
            kind: finding.kind.as_str().to_owned(),
            endpoint: finding.endpoint,
            address: finding.address,
            port: finding.port,
            also_reachable_at: finding.also_reachable_at,
            version: finding.version,
            models: finding.models,
            latency_ms: finding.latency_ms,
            auth_required: finding.auth_required,
            remediation: finding.remediation.map(|r| r.as_str().to_owned()),
            hint,
            hint_id,
            hint_args,
            conflicts: finding.conflicts.into_iter().map(Into::into).collect(),
        }
    }
}

impl From<ProbeError> for wire::ProbeError {
    fn from(error: ProbeError) -> Self {
        let (message, message_id, message_args) = texts::parts(error.message);
        let (hint, hint_id, hint_args) = texts::parts(error.hint);
        wire::ProbeError {
            endpoint: error.endpoint,
            address: error.address,
            expected: error
                .expected
                .iter()
                .map(|k| k.as_str().to_owned())
                .collect(),
            remediation: error.remediation.as_str().to_owned(),
            message,
            message_id,
            message_args,
            hint,
            hint_id,
            hint_args,
        }
    }
}

/// Findings for unit tests elsewhere in discovery.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// A server of `kind` found at `address` (`host:port`) offering `models`.
    pub(crate) fn found(kind: ProviderKind, address: &str, models: &[&str]) -> DiscoveryFinding {
        let port = address.rsplit(':').next().unwrap().parse().unwrap();
        DiscoveryFinding {
            kind,
            endpoint: format!("http://{address}{}", kind.api_base()),
            address: address.into(),
            port,
            also_reachable_at: Vec::new(),
            version: None,
            models: models.iter().map(|m| OfferedModel::named(*m)).collect(),
            latency_ms: 1,
            auth_required: false,
            remediation: None,
            hint: None,
            conflicts: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(address: &str, port: u16, version: &str, models: &[&str]) -> DiscoveryFinding {
        DiscoveryFinding {
            port,
            version: Some(version.into()),
            ..testing::found(ProviderKind::Ollama, address, models)
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
    fn findings_reach_the_wire_with_their_codes() {
        let mut found = finding("127.0.0.1:11434", 11434, "0.5.7", &["a"]);
        found.remediation = Some(Remediation::ModelNotLoaded);
        found.conflicts.push(Conflict {
            profile_id: "p".into(),
            class: ConflictClass::PortMoved,
            message: crate::texts::messages::probe_not_running_hint(),
            remediation: crate::texts::messages::probe_not_running_hint(),
        });
        let wire = wire::Finding::from(found);
        assert_eq!(wire.kind, "ollama");
        assert_eq!(wire.remediation.as_deref(), Some("model_not_loaded"));
        assert_eq!(wire.conflicts[0].class, "port_moved");
        assert_eq!(wire.models[0].id, "a");
        let error = wire::ProbeError::from(ProbeError {
            endpoint: "http://127.0.0.1:8080".into(),
            address: None,
            expected: vec![ProviderKind::LlamaCpp, ProviderKind::LocalAi],
            remediation: Remediation::NotRecognised,
            message: crate::texts::messages::probe_not_running_hint(),
            hint: crate::texts::messages::probe_not_running_hint(),
        });
        assert_eq!(error.expected, ["llama_cpp", "localai"]);
        assert_eq!(error.remediation, "not_recognised");
    }
}
