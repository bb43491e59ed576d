//! Reconciliation: what existing profiles get wrong about the servers a sweep found.
//! Pure: findings, the addresses probed and the profiles in; conflicts on each finding
//! out.
//!
//! | class | when |
//! | --- | --- |
//! | `kind_mismatch` | a profile points at a server's address (scheme ignored, any loopback name the same) with another provider |
//! | `model_not_offered` | a profile of the server's kind names a model the server does not list |
//! | `port_moved` | a profile of a kind points at a probed loopback port where no server of its kind answered, and one answers on another port |
//! | `key_required` | the server refuses requests without a key and the profile has none |
//!
//! `openai_compatible` profiles speak to any of these servers, so their kind never
//! conflicts. Servers that answer with their one loaded model whatever a request names
//! (KoboldCpp, a single-model llama.cpp server) never conflict on the model.

use std::net::IpAddr;

use llm_agent_protocol::methods::profiles::RedactedProfile;
use url::Url;

use super::finding::{Conflict, ConflictClass, DiscoveryFinding};
use crate::provider_kind::ProviderKind;
use crate::texts::messages;

/// Where a URL or address points: a host (every loopback name is one) and a port.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Place {
    /// `None` for this machine's loopback.
    host: Option<String>,
    port: u16,
}

impl Place {
    fn of_url(url: &str) -> Option<Place> {
        let url = Url::parse(url.trim()).ok()?;
        let port = url.port_or_known_default()?;
        let host = match url.host()? {
            url::Host::Domain(name) => {
                let name = name.to_ascii_lowercase();
                (name != "localhost" && !name.ends_with(".localhost")).then_some(name)
            }
            url::Host::Ipv4(ip) => (!ip.is_loopback()).then(|| ip.to_string()),
            url::Host::Ipv6(ip) => (!ip.is_loopback()).then(|| IpAddr::V6(ip).to_string()),
        };
        Some(Place { host, port })
    }

    fn of_address(address: &str) -> Option<Place> {
        Place::of_url(&format!("http://{address}"))
    }

    fn is_loopback(&self) -> bool {
        self.host.is_none()
    }
}

/// Replaces each finding's conflicts with those the profiles have with it. `probed` is
/// the sweep's probed addresses (`host:port`).
pub fn reconcile(
    findings: &mut [DiscoveryFinding],
    probed: &[String],
    profiles: &[RedactedProfile],
) {
    let places: Vec<Vec<Place>> = findings
        .iter()
        .map(|f| f.addresses().filter_map(Place::of_address).collect())
        .collect();
    let probed: Vec<Place> = probed.iter().filter_map(|a| Place::of_address(a)).collect();
    let mut conflicts: Vec<Vec<Conflict>> = vec![Vec::new(); findings.len()];
    for profile in profiles {
        let Some(place) = Place::of_url(&profile.endpoint) else {
            continue;
        };
        for (index, finding) in findings.iter().enumerate() {
            if places[index].contains(&place) {
                conflicts[index].extend(at_same_place(profile, finding));
            }
        }
        let Some(kind) = ProviderKind::discoverable(&profile.provider)
            .filter(|kind| *kind != ProviderKind::OpenAiCompatible)
        else {
            continue;
        };
        let kind_answers_there = findings
            .iter()
            .zip(&places)
            .any(|(f, at)| f.kind == kind && at.contains(&place));
        if !place.is_loopback() || kind_answers_there || !probed.contains(&place) {
            continue;
        }
        for (index, finding) in findings.iter().enumerate() {
            let elsewhere_here = places[index].iter().any(Place::is_loopback);
            if finding.kind == kind && elsewhere_here && finding.port != place.port {
                conflicts[index].push(port_moved(profile, finding, place.port));
            }
        }
    }
    for (finding, conflicts) in findings.iter_mut().zip(conflicts) {
        finding.conflicts = conflicts;
    }
}

/// The conflicts of a profile that points at the finding's address.
fn at_same_place(profile: &RedactedProfile, finding: &DiscoveryFinding) -> Vec<Conflict> {
    let name = &profile.name;
    let server = super::table::server_name(finding.kind);
    let at = &finding.address;
    let compatible = profile.provider == finding.kind.as_str()
        || profile.provider == ProviderKind::OpenAiCompatible.as_str();
    if !compatible {
        let provider = ProviderKind::discoverable(&profile.provider)
            .map(super::table::server_name)
            .unwrap_or(&profile.provider);
        return vec![Conflict {
            profile_id: profile.id.clone(),
            class: ConflictClass::KindMismatch,
            message: messages::conflict_kind_mismatch(name.as_str(), provider, at.as_str(), server),
            remediation: messages::conflict_kind_mismatch_remedy(finding.kind.as_str(), server),
        }];
    }
    let mut conflicts = Vec::new();
    if finding.auth_required {
        if !profile.has_api_key {
            conflicts.push(Conflict {
                profile_id: profile.id.clone(),
                class: ConflictClass::KeyRequired,
                message: messages::conflict_key_required(server, at.as_str(), name.as_str()),
                remediation: messages::conflict_key_required_remedy(),
            });
        }
        // Without the key the server would not list its models.
        return conflicts;
    }
    if !offers(finding, &profile.model) {
        let offered: Vec<&str> = finding.models.iter().map(|m| m.id.as_str()).collect();
        let (message, remediation) = if offered.is_empty() {
            (
                messages::conflict_no_model(
                    server,
                    at.as_str(),
                    profile.model.as_str(),
                    name.as_str(),
                ),
                finding.hint.clone().unwrap_or_else(|| {
                    messages::conflict_load_model_remedy(profile.model.as_str(), server)
                }),
            )
        } else {
            (
                messages::conflict_model_not_offered(
                    server,
                    at.as_str(),
                    profile.model.as_str(),
                    name.as_str(),
                    list(&offered),
                ),
                messages::conflict_model_not_offered_remedy(
                    finding.kind.as_str(),
                    profile.model.as_str(),
                    server,
                ),
            )
        };
        conflicts.push(Conflict {
            profile_id: profile.id.clone(),
            class: ConflictClass::ModelNotOffered,
            message,
            remediation,
        });
    }
    conflicts
}

fn port_moved(profile: &RedactedProfile, finding: &DiscoveryFinding, old: u16) -> Conflict {
    let server = super::table::server_name(finding.kind);
    Conflict {
        profile_id: profile.id.clone(),
        class: ConflictClass::PortMoved,
        message: messages::conflict_port_moved(
            profile.name.as_str(),
            old.to_string(),
            server,
            finding.port.to_string(),
        ),
        remediation: messages::conflict_port_moved_remedy(finding.endpoint.as_str()),
    }
}

/// Whether the server would answer a request naming `model`.
fn offers(finding: &DiscoveryFinding, model: &str) -> bool {
    let kind = finding.kind;
    let single_model_server = kind == ProviderKind::LlamaCpp
        && finding.models.len() == 1
        && finding.models[0].loaded != Some(false);
    if kind.serves_any_model_name() || single_model_server {
        return true;
    }
    let wanted = model_key(kind, model);
    finding
        .models
        .iter()
        .any(|offered| model_key(kind, &offered.id) == wanted)
}

/// A model name as the server compares it: Ollama and Docker Model Runner add the
/// `latest` tag to a name without one, and Ollama ignores case.
fn model_key(kind: ProviderKind, model: &str) -> String {
    let model = model.trim();
    match kind {
        ProviderKind::Ollama | ProviderKind::DockerModelRunner => {
            let name = model.rsplit('/').next().unwrap_or(model);
            let tagged = if name.contains(':') {
                model.to_owned()
            } else {
                format!("{model}:latest")
            };
            if kind == ProviderKind::Ollama {
                tagged.to_ascii_lowercase()
            } else {
                tagged
            }
        }
        _ => model.to_owned(),
    }
}

/// “a”, “a” and “b”, “a”, “b” and 3 more.
fn list(items: &[&str]) -> String {
    const SHOWN: usize = 5;
    let quoted: Vec<String> = items.iter().take(SHOWN).map(|i| format!("“{i}”")).collect();
    match (quoted.as_slice(), items.len()) {
        ([], _) => "nothing".to_owned(),
        ([one], 1) => one.clone(),
        (shown, n) if n <= SHOWN => {
            let (last, rest) = shown
                .split_last()
                .map_or((String::new(), &[][..]), |(l, r)| (l.clone(), r));
            format!("{} and {last}", rest.join(", "))
        }
        (shown, n) => format!("{} and {} more", shown.join(", "), n - SHOWN),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery::finding::testing::found;
    use crate::vault::profile::testing::redacted;

    fn profile(provider: &str, endpoint: &str, model: &str, has_key: bool) -> RedactedProfile {
        RedactedProfile {
            id: format!("id-{provider}-{endpoint}"),
            name: "Tutor".into(),
            model: model.into(),
            has_api_key: has_key,
            ..redacted(provider, endpoint)
        }
    }

    fn classes(finding: &DiscoveryFinding) -> Vec<ConflictClass> {
        finding.conflicts.iter().map(|c| c.class).collect()
    }

    fn probed(addresses: &[&str]) -> Vec<String> {
        addresses.iter().map(|a| a.to_string()).collect()
    }

    #[test]
    fn same_endpoint_with_another_kind() {
        let mut findings = vec![found(ProviderKind::LmStudio, "127.0.0.1:1234", &["qwen"])];
        let profiles = [
            profile("ollama", "http://localhost:1234", "qwen", false),
            profile("lm_studio", "http://127.0.0.1:1234/v1", "qwen", false),
            profile("openai_compatible", "http://[::1]:1234/v1", "qwen", false),
            profile("ollama", "http://127.0.0.1:11434", "qwen", false),
        ];
        reconcile(&mut findings, &probed(&["127.0.0.1:1234"]), &profiles);
        assert_eq!(classes(&findings[0]), [ConflictClass::KindMismatch]);
        let conflict = &findings[0].conflicts[0];
        assert_eq!(conflict.profile_id, profiles[0].id);
        assert!(
            crate::texts::english(&conflict.message).contains("Ollama")
                && crate::texts::english(&conflict.message).contains("LM Studio")
        );
        assert!(crate::texts::english(&conflict.remediation).contains("lm_studio"));
    }

    #[test]
    fn a_model_the_server_does_not_offer() {
        let mut findings = vec![
            found(
                ProviderKind::Ollama,
                "127.0.0.1:11434",
                &["llama3.2:latest", "qwen2.5:7b"],
            ),
            found(
                ProviderKind::KoboldCpp,
                "127.0.0.1:5001",
                &["koboldcpp/Mistral"],
            ),
            found(ProviderKind::Vllm, "127.0.0.1:8000", &[]),
        ];
        let profiles = [
            profile("ollama", "http://127.0.0.1:11434", "Llama3.2", false),
            profile("ollama", "http://127.0.0.1:11434", "mistral", false),
            profile("koboldcpp", "http://127.0.0.1:5001/v1", "anything", false),
            profile("vllm", "http://127.0.0.1:8000/v1", "m", false),
        ];
        reconcile(&mut findings, &[], &profiles);
        assert_eq!(classes(&findings[0]), [ConflictClass::ModelNotOffered]);
        let conflict = &findings[0].conflicts[0];
        assert_eq!(conflict.profile_id, profiles[1].id);
        assert!(
            crate::texts::english(&conflict.message).contains("“llama3.2:latest” and “qwen2.5:7b”")
        );
        assert!(crate::texts::english(&conflict.remediation).contains("ollama pull mistral"));
        assert!(
            findings[1].conflicts.is_empty(),
            "KoboldCpp serves any name"
        );
        assert_eq!(classes(&findings[2]), [ConflictClass::ModelNotOffered]);
    }

    #[test]
    fn a_port_that_moved() {
        let mut findings = vec![
            found(ProviderKind::LlamaCpp, "127.0.0.1:8081", &["a", "b"]),
            found(ProviderKind::LlamaCpp, "10.0.0.5:8080", &["a", "b"]),
        ];
        let profiles = [
            profile("llama_cpp", "http://localhost:8080/v1", "a", false),
            // Not probed: nothing is known about port 9000.
            profile("llama_cpp", "http://127.0.0.1:9000/v1", "a", false),
        ];
        let swept = probed(&[
            "127.0.0.1:8080",
            "[::1]:8080",
            "127.0.0.1:8081",
            "10.0.0.5:8080",
        ]);
        reconcile(&mut findings, &swept, &profiles);
        assert_eq!(classes(&findings[0]), [ConflictClass::PortMoved]);
        let conflict = &findings[0].conflicts[0];
        assert_eq!(conflict.profile_id, profiles[0].id);
        assert!(
            crate::texts::english(&conflict.message).contains("port 8080")
                && crate::texts::english(&conflict.message).contains("8081")
        );
        assert!(crate::texts::english(&conflict.remediation).contains("http://127.0.0.1:8081/v1"));
        assert!(
            findings[1].conflicts.is_empty(),
            "another machine is not a move"
        );

        // The kind still answers at the profile's port: no move.
        let mut findings = vec![
            found(ProviderKind::LlamaCpp, "127.0.0.1:8080", &["a"]),
            found(ProviderKind::LlamaCpp, "127.0.0.1:8081", &["b"]),
        ];
        reconcile(&mut findings, &swept, &profiles[..1]);
        assert!(findings.iter().all(|f| f.conflicts.is_empty()));
    }

    #[test]
    fn a_server_that_now_requires_a_key() {
        let mut finding = found(ProviderKind::Vllm, "127.0.0.1:8000", &[]);
        finding.auth_required = true;
        let mut findings = vec![finding];
        let profiles = [
            profile("vllm", "http://127.0.0.1:8000/v1", "m", false),
            profile("vllm", "http://127.0.0.1:8000/v1", "m", true),
        ];
        reconcile(&mut findings, &[], &profiles);
        assert_eq!(classes(&findings[0]), [ConflictClass::KeyRequired]);
        assert_eq!(findings[0].conflicts[0].profile_id, profiles[0].id);
    }

    #[test]
    fn conflicts_follow_every_address_of_a_collapsed_finding() {
        let mut finding = found(ProviderKind::Ollama, "127.0.0.1:11434", &["a:latest"]);
        finding.also_reachable_at = vec!["192.168.1.5:11434".into()];
        let mut findings = vec![finding];
        let profiles = [profile(
            "lm_studio",
            "http://192.168.1.5:11434/v1",
            "a",
            false,
        )];
        reconcile(&mut findings, &[], &profiles);
        assert_eq!(classes(&findings[0]), [ConflictClass::KindMismatch]);
        // Reconciling again replaces, never accumulates.
        reconcile(&mut findings, &[], &[]);
        assert!(findings[0].conflicts.is_empty());
    }

    #[test]
    fn model_names_compare_as_the_server_does() {
        assert_eq!(model_key(ProviderKind::Ollama, "Llama3"), "llama3:latest");
        assert_eq!(
            model_key(ProviderKind::DockerModelRunner, "ai/smollm2"),
            "ai/smollm2:latest"
        );
        assert_eq!(
            model_key(ProviderKind::Ollama, "registry:5000/x/llama3"),
            "registry:5000/x/llama3:latest"
        );
        assert_eq!(
            model_key(ProviderKind::Vllm, "Qwen/Qwen2.5"),
            "Qwen/Qwen2.5"
        );
        assert_eq!(list(&["a"]), "“a”");
        assert_eq!(list(&["a", "b", "c"]), "“a”, “b” and “c”");
        assert_eq!(
            list(&["a", "b", "c", "d", "e", "f", "g"]),
            "“a”, “b”, “c”, “d”, “e” and 2 more"
        );
    }
}
