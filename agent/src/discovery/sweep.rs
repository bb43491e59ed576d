//! One sweep: probe every port of the table on each loopback address, plus the extra
//! endpoints the user configured, all at once, and turn what answered into findings and
//! what failed into errors worth showing.
//!
//! Each address is asked the canary path first: a refused connection ends its probe there
//! (nothing listens, which on a default port is not worth a word). Whatever answers is
//! then asked every path of the table at once, and the fingerprints read the answers.
//!
//! Every request of a sweep runs against one deadline, the sweep's start plus its budget,
//! so a sweep takes its budget at most even when a host accepts the connection and never
//! answers. Bodies are read up to [`MAX_BODY_BYTES`]; redirects are not followed;
//! proxies are never used; and `localhost` is never resolved (an extra endpoint on
//! `localhost` is probed on the loopback addresses instead).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use tokio::time::Instant as Deadline;
use url::Url;

use super::error::DiscoveryError;
use super::finding::{self, DiscoveryFinding, ProbeError, Remediation};
use super::fingerprint::{self, Exchange, Observations};
use super::reconcile;
use super::table::{self, ProbeTable, paths};
use crate::provider_kind::ProviderKind;
use crate::providers::http::{TransportError, USER_AGENT, install_crypto_provider, tls_config};
use crate::sanitize::sanitize;
use crate::texts::messages;
use llm_agent_l10n::Text;
use llm_agent_protocol::methods::discovery::Sweep;
use llm_agent_protocol::methods::profiles::RedactedProfile;

/// How long a sweep may take unless told otherwise.
pub const DEFAULT_BUDGET: Duration = Duration::from_millis(800);
/// The shortest budget a sweep accepts (less could not reach even a local server).
pub const MIN_BUDGET: Duration = Duration::from_millis(50);
/// The longest budget a sweep accepts.
pub const MAX_BUDGET: Duration = Duration::from_secs(10);
/// The most of a body a probe reads; a longer body is not parsed.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// The most of an unusable extra endpoint an error quotes.
const MAX_SHOWN_ENDPOINT_CHARS: usize = 200;

/// What to probe, and how long to take.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepOptions {
    pub table: ProbeTable,
    /// The addresses the table's ports are probed on.
    pub loopback: Vec<IpAddr>,
    /// Base URLs (`http://host:port`, any path ignored) probed besides the table.
    pub extra_endpoints: Vec<String>,
    /// The whole sweep's time; clamped to [`MIN_BUDGET`]..=[`MAX_BUDGET`].
    pub budget: Duration,
}

impl Default for SweepOptions {
    fn default() -> Self {
        SweepOptions {
            table: ProbeTable::default(),
            loopback: vec![
                IpAddr::V4(Ipv4Addr::LOCALHOST),
                IpAddr::V6(Ipv6Addr::LOCALHOST),
            ],
            extra_endpoints: Vec::new(),
            budget: DEFAULT_BUDGET,
        }
    }
}

/// What a sweep found.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepReport {
    /// One per server, whatever number of addresses reach it.
    pub findings: Vec<DiscoveryFinding>,
    /// Failed probes worth showing: configured endpoints that failed, and default ports
    /// where something answered but could not be used.
    pub errors: Vec<ProbeError>,
    /// Every address probed (`host:port`), in probe order.
    pub probed: Vec<String>,
    /// How long the sweep took, in milliseconds.
    pub elapsed_ms: u64,
    /// The budget it ran under, in milliseconds.
    pub budget_ms: u64,
}

impl SweepReport {
    /// Fills each finding's conflicts with the profiles (replacing earlier ones).
    pub fn reconcile(&mut self, profiles: &[RedactedProfile]) {
        reconcile::reconcile(&mut self.findings, &self.probed, profiles);
    }

    /// The report on the wire, with when and why the sweep ran.
    pub fn into_sweep(self, started_at: String, trigger: &str) -> Sweep {
        Sweep {
            started_at,
            trigger: trigger.to_owned(),
            findings: self.findings.into_iter().map(Into::into).collect(),
            errors: self.errors.into_iter().map(Into::into).collect(),
            probed: self.probed,
            elapsed_ms: self.elapsed_ms,
            budget_ms: self.budget_ms,
        }
    }
}

/// Runs one sweep.
pub async fn sweep(options: &SweepOptions) -> Result<SweepReport, DiscoveryError> {
    install_crypto_provider();
    let budget = options.budget.clamp(MIN_BUDGET, MAX_BUDGET);
    let started = Instant::now();
    let deadline = Deadline::now() + budget;
    let (targets, mut errors) = plan(options);
    let client = client(budget)?;
    let probe_paths = table::probe_paths();
    let outcomes = join_all(
        targets
            .iter()
            .map(|target| probe(&client, target, &probe_paths, deadline)),
    )
    .await;

    let mut found = Vec::new();
    for (target, outcome) in targets.iter().zip(outcomes) {
        match outcome {
            Outcome::Identified(identity) => found.push(target.finding(identity)),
            Outcome::Failed(remediation, message) => {
                if let Some(error) = target.error(remediation, message, budget) {
                    errors.push(error);
                }
            }
        }
    }
    Ok(SweepReport {
        findings: finding::collapse(found),
        errors: dedup_errors(errors),
        probed: targets.iter().map(|t| t.address.clone()).collect(),
        elapsed_ms: millis(started.elapsed()),
        budget_ms: millis(budget),
    })
}

/// One address to probe.
#[derive(Debug, Clone)]
struct Target {
    scheme: &'static str,
    /// `host:port`, the IPv6 host in brackets.
    address: String,
    port: u16,
    /// Whether it is one of the table's loopback addresses.
    from_table: bool,
    /// The extra endpoint that asked for it, as configured.
    configured: Option<String>,
    expected: Vec<ProviderKind>,
}

impl Target {
    fn base(&self) -> String {
        format!("{}://{}", self.scheme, self.address)
    }

    fn finding(&self, identity: fingerprint::Identity) -> DiscoveryFinding {
        let (remediation, hint) = identity.readiness().unzip();
        DiscoveryFinding {
            kind: identity.kind,
            endpoint: format!("{}{}", self.base(), identity.kind.api_base()),
            address: self.address.clone(),
            port: self.port,
            also_reachable_at: Vec::new(),
            version: identity.version,
            models: identity.models,
            latency_ms: millis(identity.latency),
            auth_required: identity.auth_required,
            remediation,
            hint,
            conflicts: Vec::new(),
        }
    }

    /// The error to show for a failed probe, if any: a configured endpoint's failures
    /// all show; a default address's only when something there answered or hung.
    fn error(
        &self,
        remediation: Remediation,
        message: Text,
        budget: Duration,
    ) -> Option<ProbeError> {
        if self.configured.is_none() && remediation == Remediation::NotRunning {
            return None;
        }
        let expected = describe_kinds(&self.expected);
        let hint = match remediation {
            Remediation::NotRunning => messages::probe_not_running_hint(),
            Remediation::NotResponding => messages::probe_not_responding_hint(millis(budget)),
            Remediation::NeedsKey => messages::probe_needs_key_hint(),
            _ => match expected {
                Some(expected) => messages::probe_port_taken_hint(expected),
                None => messages::probe_add_by_hand_hint(),
            },
        };
        Some(ProbeError {
            endpoint: self.configured.clone().unwrap_or_else(|| self.base()),
            address: Some(self.address.clone()),
            expected: self.expected.clone(),
            remediation,
            message,
            hint,
        })
    }
}

/// "Ollama", "the llama.cpp server or LocalAI".
fn describe_kinds(kinds: &[ProviderKind]) -> Option<String> {
    let names: Vec<&str> = kinds.iter().map(|k| table::server_name(*k)).collect();
    match names.as_slice() {
        [] => None,
        [one] => Some((*one).to_owned()),
        [rest @ .., last] => Some(format!("{} or {last}", rest.join(", "))),
    }
}

/// The addresses to probe, each once, in order of preference (the table's on each
/// loopback address in turn, then the extra endpoints), and the extra endpoints that
/// are not usable URLs.
fn plan(options: &SweepOptions) -> (Vec<Target>, Vec<ProbeError>) {
    let mut targets: Vec<Target> = Vec::new();
    let mut errors = Vec::new();
    for ip in &options.loopback {
        for port in options.table.all_ports() {
            targets.push(Target {
                scheme: "http",
                address: SocketAddr::new(*ip, port).to_string(),
                port,
                from_table: true,
                configured: None,
                expected: options.table.kinds_on(port),
            });
        }
    }
    for configured in &options.extra_endpoints {
        let configured = configured.trim();
        let origins = match extra_origins(configured, &options.loopback) {
            Ok(origins) => origins,
            Err(problem) => {
                // Whatever was configured, shown safely.
                let configured = sanitize(configured, MAX_SHOWN_ENDPOINT_CHARS);
                errors.push(ProbeError {
                    endpoint: configured.clone(),
                    address: None,
                    expected: Vec::new(),
                    remediation: Remediation::InvalidEndpoint,
                    message: messages::probe_bad_extra_endpoint(configured, problem.to_string()),
                    hint: messages::probe_bad_extra_endpoint_hint(),
                });
                continue;
            }
        };
        for (scheme, address, port) in origins {
            match targets
                .iter_mut()
                .find(|t| t.scheme == scheme && t.address.eq_ignore_ascii_case(&address))
            {
                Some(existing) => {
                    existing
                        .configured
                        .get_or_insert_with(|| configured.to_owned());
                }
                None => targets.push(Target {
                    scheme,
                    address,
                    port,
                    from_table: false,
                    configured: Some(configured.to_owned()),
                    expected: options.table.kinds_on(port),
                }),
            }
        }
    }
    (targets, errors)
}

/// `(scheme, host:port, port)` of an extra endpoint: one for an address or host name,
/// one per loopback address for `localhost`.
fn extra_origins(
    configured: &str,
    loopback: &[IpAddr],
) -> Result<Vec<(&'static str, String, u16)>, String> {
    let text = if configured.contains("://") {
        configured.to_owned()
    } else {
        format!("http://{configured}")
    };
    let url = Url::parse(&text).map_err(|e| format!("not a URL ({e})"))?;
    let scheme = match url.scheme() {
        "http" => "http",
        "https" => "https",
        other => return Err(format!("{other}:// is not http or https")),
    };
    if !url.username().is_empty() || url.password().is_some() {
        return Err("it holds a user name or password".to_owned());
    }
    let port = url
        .port_or_known_default()
        .ok_or_else(|| "it has no port".to_owned())?;
    let host = url.host().ok_or_else(|| "it has no host".to_owned())?;
    let addresses = match host {
        url::Host::Domain(name) => {
            let name = name.to_ascii_lowercase();
            if name == "localhost" || name.ends_with(".localhost") {
                loopback
                    .iter()
                    .map(|ip| SocketAddr::new(*ip, port).to_string())
                    .collect()
            } else {
                vec![format!("{name}:{port}")]
            }
        }
        url::Host::Ipv4(ip) => vec![SocketAddr::new(IpAddr::V4(ip), port).to_string()],
        url::Host::Ipv6(ip) => vec![SocketAddr::new(IpAddr::V6(ip), port).to_string()],
    };
    Ok(addresses
        .into_iter()
        .map(|address| (scheme, address, port))
        .collect())
}

/// The client of one sweep: no proxy, no redirects, connections that die with it.
fn client(budget: Duration) -> Result<reqwest::Client, DiscoveryError> {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::ACCEPT,
        reqwest::header::HeaderValue::from_static("application/json, */*;q=0.5"),
    );
    reqwest::Client::builder()
        // The agent's one TLS configuration: building a client with reqwest's own would
        // load the system's trusted certificates again, on the runtime's thread.
        .tls_backend_preconfigured(tls_config().clone())
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(budget)
        .tcp_nodelay(true)
        .user_agent(USER_AGENT)
        .default_headers(headers)
        .build()
        .map_err(|err| {
            DiscoveryError::Sweep(format!(
                "cannot set up the HTTP client for discovery: {}",
                crate::providers::http::innermost(&err)
            ))
        })
}

/// How probing one address ended.
enum Outcome {
    Identified(fingerprint::Identity),
    /// Why not, and what happened (the message shown when the error is).
    Failed(Remediation, Text),
}

async fn probe(
    client: &reqwest::Client,
    target: &Target,
    probe_paths: &[&'static str],
    deadline: Deadline,
) -> Outcome {
    let base = target.base();
    let address = &target.address;
    let canary = match fetch(client, format!("{base}{}", paths::CANARY), deadline).await {
        Fetched::Answered(answer) => answer,
        Fetched::TimedOut => {
            return Outcome::Failed(
                Remediation::NotResponding,
                messages::probe_no_answer(address.as_str()),
            );
        }
        Fetched::Failed(err) => return unreachable(target, err),
    };
    let fetches = probe_paths
        .iter()
        .map(|path| fetch(client, format!("{base}{path}"), deadline));
    let mut observations = Observations {
        canary: Some(canary),
        answers: Default::default(),
        table_kinds: target.expected.clone(),
    };
    let mut timed_out = 0;
    for (path, fetched) in probe_paths.iter().zip(join_all(fetches).await) {
        match fetched {
            Fetched::Answered(answer) => {
                observations.answers.insert(path, answer);
            }
            Fetched::TimedOut => timed_out += 1,
            Fetched::Failed(_) => {}
        }
    }
    if let Some(identity) = fingerprint::identify(&observations) {
        return Outcome::Identified(identity);
    }
    if observations.any_refusal() {
        Outcome::Failed(
            Remediation::NeedsKey,
            messages::probe_needs_credentials(address.as_str()),
        )
    } else if observations.answers.is_empty() && timed_out > 0 {
        Outcome::Failed(
            Remediation::NotResponding,
            messages::probe_stopped_answering(address.as_str()),
        )
    } else {
        let expected = describe_kinds(&target.expected).unwrap_or_else(|| "none".to_owned());
        Outcome::Failed(
            Remediation::NotRecognised,
            messages::probe_not_recognised(address.as_str(), expected),
        )
    }
}

/// A failed first request: nothing listening, or not reachable at all.
fn unreachable(target: &Target, err: TransportError) -> Outcome {
    let address = &target.address;
    match err {
        TransportError::Refused => Outcome::Failed(
            Remediation::NotRunning,
            messages::probe_nothing_listens(address.as_str()),
        ),
        // A loopback address the machine does not have (no IPv6) listens to nothing.
        TransportError::Connect(_) if target.from_table => Outcome::Failed(
            Remediation::NotRunning,
            messages::probe_nothing_listens(address.as_str()),
        ),
        TransportError::Connect(why) => Outcome::Failed(
            Remediation::NotRunning,
            messages::probe_cannot_connect(address.as_str(), why),
        ),
        TransportError::Dns => Outcome::Failed(
            Remediation::NotRunning,
            messages::probe_dns_failed(address.as_str()),
        ),
        TransportError::Tls(why) => Outcome::Failed(
            Remediation::NotRecognised,
            messages::probe_tls_failed(address.as_str(), why),
        ),
        TransportError::Protocol(why) => Outcome::Failed(
            Remediation::NotRecognised,
            messages::probe_not_http(address.as_str(), why),
        ),
    }
}

/// What one request got.
enum Fetched {
    Answered(Exchange),
    TimedOut,
    Failed(TransportError),
}

async fn fetch(client: &reqwest::Client, url: String, deadline: Deadline) -> Fetched {
    let started = Instant::now();
    let request = async {
        let mut response = client.get(url).send().await?;
        let status = response.status().as_u16();
        let (body, truncated) = read_bounded(&mut response).await;
        Ok::<_, reqwest::Error>(Exchange::new(status, body, truncated, started.elapsed()))
    };
    match tokio::time::timeout_at(deadline, request).await {
        Ok(Ok(answer)) => Fetched::Answered(answer),
        Ok(Err(err)) => Fetched::Failed(TransportError::of(&err)),
        Err(_) => Fetched::TimedOut,
    }
}

/// Reads at most [`MAX_BODY_BYTES`]; a longer body, or one cut short, is `truncated`.
async fn read_bounded(response: &mut reqwest::Response) -> (Vec<u8>, bool) {
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > MAX_BODY_BYTES {
                    return (body, true);
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return (body, false),
            Err(_) => return (body, true),
        }
    }
}

/// One error per port and remediation among the table's loopback addresses (the first
/// address's): the same program seen on 127.0.0.1 and ::1 is one problem.
fn dedup_errors(errors: Vec<ProbeError>) -> Vec<ProbeError> {
    let mut kept: Vec<ProbeError> = Vec::with_capacity(errors.len());
    for error in errors {
        let port = error.address.as_deref().and_then(port_of);
        let duplicate = port.is_some()
            && is_loopback(error.address.as_deref())
            && kept.iter().any(|k| {
                k.remediation == error.remediation
                    && k.address.as_deref().and_then(port_of) == port
                    && is_loopback(k.address.as_deref())
            });
        if !duplicate {
            kept.push(error);
        }
    }
    kept
}

fn port_of(address: &str) -> Option<u16> {
    address.rsplit(':').next()?.parse().ok()
}

fn is_loopback(address: Option<&str>) -> bool {
    address
        .and_then(|a| a.parse::<SocketAddr>().ok())
        .is_some_and(|a| a.ip().is_loopback())
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_probes_each_address_once_and_never_resolves_localhost() {
        let options = SweepOptions {
            table: ProbeTable::without_ports().with_ports(ProviderKind::Ollama, [11434]),
            extra_endpoints: vec![
                "http://127.0.0.1:11434".into(),
                "http://localhost:8080/v1".into(),
                "gpu-box.lan:11434".into(),
                "ftp://example.com".into(),
                "http://user:pw@example.com".into(),
            ],
            ..SweepOptions::default()
        };
        let (targets, errors) = plan(&options);
        let addresses: Vec<&str> = targets.iter().map(|t| t.address.as_str()).collect();
        assert_eq!(
            addresses,
            [
                "127.0.0.1:11434",
                "[::1]:11434",
                "127.0.0.1:8080",
                "[::1]:8080",
                "gpu-box.lan:11434"
            ]
        );
        assert_eq!(
            targets[0].configured.as_deref(),
            Some("http://127.0.0.1:11434")
        );
        assert!(targets[0].from_table && !targets[2].from_table);
        assert_eq!(targets[4].expected, [ProviderKind::Ollama]);
        assert_eq!(errors.len(), 2);
        assert!(
            errors
                .iter()
                .all(|e| e.remediation == Remediation::InvalidEndpoint)
        );
    }

    #[test]
    fn kinds_are_named_for_people() {
        assert_eq!(describe_kinds(&[]), None);
        assert_eq!(
            describe_kinds(&[ProviderKind::LlamaCpp, ProviderKind::LocalAi]).as_deref(),
            Some("the llama.cpp server or LocalAI")
        );
    }

    #[test]
    fn duplicate_loopback_errors_are_shown_once() {
        let error = |address: &str| ProbeError {
            endpoint: format!("http://{address}"),
            address: Some(address.into()),
            expected: Vec::new(),
            remediation: Remediation::NotRecognised,
            message: messages::probe_not_running_hint(),
            hint: messages::probe_not_running_hint(),
        };
        let kept = dedup_errors(vec![
            error("127.0.0.1:8080"),
            error("[::1]:8080"),
            error("[::1]:8000"),
            error("10.0.0.2:8080"),
        ]);
        let kept: Vec<_> = kept.iter().filter_map(|e| e.address.as_deref()).collect();
        assert_eq!(kept, ["127.0.0.1:8080", "[::1]:8000", "10.0.0.2:8080"]);
    }
}
