//! Discovery sweeps against fake servers on ephemeral ports: one fake per kind of the
//! probe table, answering what that kind answers; impostors that answer everything;
//! one server at two addresses; a host that never answers; servers that want a key; and
//! ports where nothing listens. These drive the library's sweep directly; the fakes are
//! `llm_agent_tests::servers`.

use llm_agent::texts::english;
use std::net::{Ipv6Addr, SocketAddr};
use std::time::{Duration, Instant};

use llm_agent::discovery::{
    ConflictClass, DiscoveryFinding, ProbeTable, Remediation, SweepOptions, SweepReport, sweep,
};
use llm_agent::provider_kind::ProviderKind;
use llm_agent_protocol::methods::profiles::RedactedProfile;
use llm_agent_tests::http_fixture::{HttpFixture, RecordedRequest, Script};
use llm_agent_tests::servers::{
    docker_model_runner, fake, gpt4all, jan, koboldcpp, llama_cpp, lm_studio, lm_studio_unexpected,
    localai, not_found, ok, ollama, text, text_generation_webui, vllm, vllm_with_key,
};
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};

/// Generous: a loaded two-core machine still answers on loopback well within it, and a
/// sweep whose fakes all answer ends as soon as they have.
const BUDGET: Duration = Duration::from_secs(2);

/// Options that probe only `ports` (per kind), on 127.0.0.1 and ::1.
fn options(ports: &[(ProviderKind, u16)]) -> SweepOptions {
    let mut table = ProbeTable::without_ports();
    for (kind, port) in ports {
        let mut all = table.ports(*kind).to_vec();
        all.push(*port);
        table.set_ports(*kind, all);
    }
    SweepOptions {
        table,
        budget: BUDGET,
        ..SweepOptions::default()
    }
}

async fn run(options: &SweepOptions) -> SweepReport {
    sweep(options).await.expect("the sweep runs")
}

fn only(report: &SweepReport, kind: ProviderKind) -> &DiscoveryFinding {
    let found: Vec<&DiscoveryFinding> = report.findings.iter().filter(|f| f.kind == kind).collect();
    assert_eq!(found.len(), 1, "one {kind} finding in {report:#?}");
    found[0]
}

/// A port nothing listens on (bound, then released).
async fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    listener.local_addr().expect("address").port()
}

#[tokio::test]
async fn every_kind_in_the_table_is_found_by_its_answers() {
    let fakes = vec![
        (ProviderKind::Ollama, ollama().await),
        (ProviderKind::LmStudio, lm_studio().await),
        (ProviderKind::LlamaCpp, llama_cpp().await),
        (ProviderKind::Vllm, vllm().await),
        (ProviderKind::LocalAi, localai().await),
        (ProviderKind::KoboldCpp, koboldcpp().await),
        (
            ProviderKind::TextGenerationWebui,
            text_generation_webui().await,
        ),
        (ProviderKind::Jan, jan().await),
        (ProviderKind::Gpt4All, gpt4all().await),
        (ProviderKind::DockerModelRunner, docker_model_runner().await),
    ];
    assert_eq!(
        fakes.len(),
        ProviderKind::DISCOVERABLE.len(),
        "a fake for every kind"
    );
    let ports: Vec<(ProviderKind, u16)> =
        fakes.iter().map(|(k, f)| (*k, f.addr().port())).collect();
    let report = run(&options(&ports)).await;

    assert!(report.errors.is_empty(), "no errors: {:#?}", report.errors);
    assert_eq!(report.findings.len(), fakes.len(), "{report:#?}");
    for (kind, fixture) in &fakes {
        let finding = only(&report, *kind);
        let base = fixture.url();
        assert_eq!(finding.address, fixture.addr().to_string());
        assert_eq!(finding.endpoint, format!("{base}{}", kind.api_base()));
        assert!(!finding.auth_required, "{finding:#?}");
        assert!(finding.remediation.is_none(), "{finding:#?}");
        assert!(!finding.models.is_empty(), "{finding:#?}");
        assert!(finding.also_reachable_at.is_empty());
    }
    let port = |kind: ProviderKind| ports.iter().find(|(k, _)| *k == kind).unwrap().1;
    assert_eq!(
        only(&report, ProviderKind::Ollama).endpoint,
        format!("http://127.0.0.1:{}", port(ProviderKind::Ollama))
    );
    assert_eq!(
        only(&report, ProviderKind::LmStudio).endpoint,
        format!("http://127.0.0.1:{}/v1", port(ProviderKind::LmStudio))
    );
    assert_eq!(
        only(&report, ProviderKind::DockerModelRunner).endpoint,
        format!(
            "http://127.0.0.1:{}/engines/v1",
            port(ProviderKind::DockerModelRunner)
        )
    );

    let ollama = only(&report, ProviderKind::Ollama);
    assert_eq!(ollama.version.as_deref(), Some("0.5.7"));
    assert_eq!(ollama.models[0].id, "llama3.2:latest");
    assert_eq!(ollama.models[0].size_bytes, Some(2019393189));

    let lm_studio = only(&report, ProviderKind::LmStudio);
    assert_eq!(lm_studio.models.len(), 1, "embedding models are left out");
    assert_eq!(lm_studio.models[0].context_length, Some(32768));
    assert_eq!(lm_studio.models[0].loaded, Some(true));

    let llama_cpp = only(&report, ProviderKind::LlamaCpp);
    assert_eq!(llama_cpp.version.as_deref(), Some("b4567-abcdef0"));
    assert_eq!(llama_cpp.models[0].size_bytes, Some(4677120000));
    assert_eq!(llama_cpp.models[0].context_length, Some(8192));

    let vllm = only(&report, ProviderKind::Vllm);
    assert_eq!(vllm.version.as_deref(), Some("0.6.3"));
    assert_eq!(vllm.models[0].context_length, Some(32768));

    let localai = only(&report, ProviderKind::LocalAi);
    assert_eq!(localai.version.as_deref(), Some("v2.24.2"));
    assert_eq!(localai.models.len(), 2);

    let kobold = only(&report, ProviderKind::KoboldCpp);
    assert_eq!(kobold.version.as_deref(), Some("1.78"));
    assert_eq!(kobold.models[0].context_length, Some(8192));

    assert_eq!(
        only(&report, ProviderKind::TextGenerationWebui).models[0].id,
        "Qwen2.5-7B-Instruct-Q4_K_M.gguf"
    );
    assert_eq!(only(&report, ProviderKind::Jan).models[0].id, "qwen3-4b");
    assert_eq!(
        only(&report, ProviderKind::Gpt4All).models[0].id,
        "Llama 3 8B Instruct"
    );
    assert_eq!(
        only(&report, ProviderKind::DockerModelRunner).models[0].id,
        "ai/smollm2"
    );

    // Every loopback address of every port was probed, and the fakes answered the canary
    // and the table's paths.
    assert_eq!(report.probed.len(), 2 * fakes.len());
    let asked: Vec<String> = fakes[0]
        .1
        .requests()
        .iter()
        .map(|r| r.path.clone())
        .collect();
    assert!(asked.iter().any(|p| p == "/llm-agent-discovery-canary"));
    assert!(asked.iter().any(|p| p == "/api/tags"));
    assert!(
        fakes[0]
            .1
            .requests()
            .iter()
            .all(|r| r.header("host") == Some(&fakes[0].1.addr().to_string())),
        "no request names localhost"
    );

    // The wire form: snake_case fields, kinds as provider strings.
    let wire = serde_json::to_value(report.clone().into_sweep(String::new(), "manual")).unwrap();
    let first = &wire["findings"][0];
    for field in [
        "kind",
        "endpoint",
        "address",
        "also_reachable_at",
        "models",
        "latency_ms",
        "auth_required",
        "conflicts",
    ] {
        assert!(first.get(field).is_some(), "{field} in {first}");
    }
    assert!(
        wire["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["kind"] == "lm_studio")
    );
}

#[tokio::test]
async fn an_impostor_answering_200_to_everything_is_no_kind() {
    let empty = fake(Vec::new(), |_| ok(json!({}))).await;
    // One body with every kind's marks, for every path.
    let chimera = fake(Vec::new(), |_| {
        ok(json!({
            "version": "0.5.7", "models": [], "lmstudio": true, "result": "KoboldCpp",
            "object": "list", "data": [{"id": "m", "owned_by": "vllm"}],
            "default_generation_settings": {"n_ctx": 4096}, "total_slots": 1,
            "model_name": "m", "lora_names": []
        }))
    })
    .await;
    // Like LM Studio, 200 and an error to every unknown path, but not LM Studio.
    let lm_studio_like = fake(Vec::new(), lm_studio_unexpected).await;
    // Every kind is expected on every impostor's port: not even the port decides.
    let mut ports = Vec::new();
    for fixture in [&empty, &chimera, &lm_studio_like] {
        for kind in ProviderKind::DISCOVERABLE {
            ports.push((kind, fixture.addr().port()));
        }
    }
    let report = run(&options(&ports)).await;

    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert_eq!(report.errors.len(), 3, "{:#?}", report.errors);
    for fixture in [&empty, &chimera, &lm_studio_like] {
        let error = report
            .errors
            .iter()
            .find(|e| e.address.as_deref() == Some(&fixture.addr().to_string()))
            .expect("an error for each impostor");
        assert_eq!(error.remediation, Remediation::NotRecognised);
        assert!(
            english(&error.message).contains("not like any model server"),
            "{error:?}"
        );
        assert!(!english(&error.hint).is_empty());
    }
}

#[tokio::test]
async fn an_imitator_of_ollamas_version_is_not_ollama() {
    let imitator = fake(
        vec![
            ("/api/version", ok(json!({"version": "0.5.7"}))),
            (
                "/v1/models",
                ok(json!({"object": "list", "data": [{"id": "gpt-oss-20b", "object": "model", "owned_by": "proxy"}]})),
            ),
        ],
        not_found,
    )
    .await;
    let report = run(&options(&[(ProviderKind::Ollama, imitator.addr().port())])).await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    let finding = only(&report, ProviderKind::OpenAiCompatible);
    assert_eq!(finding.endpoint, format!("{}/v1", imitator.url()));
}

/// Relays every connection to `to`: a second address for one server.
async fn relay(listener: TcpListener, to: SocketAddr) {
    loop {
        let Ok((mut inbound, _)) = listener.accept().await else {
            return;
        };
        tokio::spawn(async move {
            if let Ok(mut outbound) = TcpStream::connect(to).await {
                let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
            }
        });
    }
}

#[tokio::test]
async fn the_same_server_at_two_addresses_is_one_finding() {
    let server = ollama().await;
    let port = server.addr().port();
    // The same port on ::1 where the machine has IPv6, else on 127.0.0.2.
    let (listener, second, extra) =
        match TcpListener::bind(SocketAddr::new(Ipv6Addr::LOCALHOST.into(), port)).await {
            Ok(listener) => (listener, format!("[::1]:{port}"), None),
            Err(_) => {
                let listener = TcpListener::bind(("127.0.0.2", port))
                    .await
                    .expect("bind 127.0.0.2");
                (
                    listener,
                    format!("127.0.0.2:{port}"),
                    Some(format!("http://127.0.0.2:{port}")),
                )
            }
        };
    let relay = tokio::spawn(relay(listener, server.addr()));
    let mut options = options(&[(ProviderKind::Ollama, port)]);
    // Configured again as an extra endpoint, by name: probed once per address, never
    // resolved.
    options.extra_endpoints = vec![format!("http://localhost:{port}/")];
    options.extra_endpoints.extend(extra);
    let report = run(&options).await;
    relay.abort();

    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    assert_eq!(report.findings.len(), 1, "{:#?}", report.findings);
    let finding = &report.findings[0];
    assert_eq!(finding.kind, ProviderKind::Ollama);
    assert_eq!(finding.address, server.addr().to_string());
    assert_eq!(finding.also_reachable_at, [second]);
    assert_eq!(finding.endpoint, server.url());
}

#[tokio::test]
async fn a_blackholed_endpoint_keeps_the_sweep_within_budget() {
    let budget = Duration::from_millis(300);
    let blackhole = fake(Vec::new(), |_| Script::new().stall()).await;
    // Answers the first request, then nothing.
    let answers_once = {
        let answered = std::sync::atomic::AtomicBool::new(false);
        HttpFixture::start(move |_: &RecordedRequest| {
            if answered.swap(true, std::sync::atomic::Ordering::SeqCst) {
                Script::new().stall()
            } else {
                text(404, "not found")
            }
        })
        .await
    };
    let server = ollama().await;
    let mut options = options(&[
        (ProviderKind::LlamaCpp, blackhole.addr().port()),
        (ProviderKind::Vllm, answers_once.addr().port()),
        (ProviderKind::Ollama, server.addr().port()),
    ]);
    options.budget = budget;
    options.extra_endpoints = vec![blackhole.url()];

    let started = Instant::now();
    let report = run(&options).await;
    let took = started.elapsed();

    assert!(took >= budget, "the blackhole was waited for: {took:?}");
    assert!(
        took < Duration::from_secs(2),
        "the sweep took {took:?} for a {budget:?} budget"
    );
    assert!(report.budget_ms == 300 && report.elapsed_ms < 2000);
    assert_eq!(
        report.findings.len(),
        1,
        "the answering server is still found"
    );
    assert_eq!(report.findings[0].kind, ProviderKind::Ollama);
    let error_at = |fixture: &HttpFixture| {
        report
            .errors
            .iter()
            .find(|e| e.address.as_deref() == Some(&fixture.addr().to_string()))
            .unwrap_or_else(|| panic!("an error for {fixture:?} in {:#?}", report.errors))
    };
    let stalled = error_at(&blackhole);
    assert_eq!(stalled.remediation, Remediation::NotResponding);
    assert_eq!(stalled.endpoint, blackhole.url(), "named as configured");
    assert_eq!(stalled.expected, [ProviderKind::LlamaCpp]);
    assert!(english(&stalled.hint).contains("300 ms"), "{stalled:?}");
    assert_eq!(
        error_at(&answers_once).remediation,
        Remediation::NotResponding
    );
    assert_eq!(report.errors.len(), 2, "{:#?}", report.errors);
}

#[tokio::test]
async fn servers_that_want_a_key() {
    let keyed = vllm_with_key().await;
    let everything_refused = fake(Vec::new(), |_| {
        Script::json(
            401,
            &json!({"error": {"message": "Invalid API key", "type": "invalid_request_error"}}),
        )
    })
    .await;
    let report = run(&options(&[
        (ProviderKind::Vllm, keyed.addr().port()),
        (ProviderKind::LlamaCpp, everything_refused.addr().port()),
    ]))
    .await;

    let finding = only(&report, ProviderKind::Vllm);
    assert!(finding.auth_required);
    assert_eq!(finding.version.as_deref(), Some("0.6.3"));
    assert_eq!(finding.remediation, Some(Remediation::NeedsKey));
    assert!(finding.models.is_empty());
    assert_eq!(report.findings.len(), 1, "{:#?}", report.findings);

    assert_eq!(report.errors.len(), 1, "{:#?}", report.errors);
    let error = &report.errors[0];
    assert_eq!(
        error.address.as_deref(),
        Some(&*everything_refused.addr().to_string())
    );
    assert_eq!(error.remediation, Remediation::NeedsKey);

    // A profile without a key for that server conflicts; one with a key does not.
    let profile = |id: &str, has_api_key: bool| RedactedProfile {
        id: id.into(),
        name: id.into(),
        provider: "vllm".into(),
        endpoint: format!("http://localhost:{}/v1", keyed.addr().port()),
        model: "Qwen/Qwen2.5-1.5B-Instruct".into(),
        has_api_key,
        api_key_hint: None,
        consent_granted_at: None,
        consent_withdrawn_at: None,
        created_at: String::new(),
        updated_at: String::new(),
        active: false,
        metadata: Default::default(),
    };
    let mut report = report;
    report.reconcile(&[profile("keyless", false), profile("keyed", true)]);
    let conflicts = &report.findings[0].conflicts;
    assert_eq!(conflicts.len(), 1, "{conflicts:#?}");
    assert_eq!(conflicts[0].class, ConflictClass::KeyRequired);
    assert_eq!(conflicts[0].profile_id, "keyless");
}

#[tokio::test]
async fn a_refused_port_is_quiet_unless_configured() {
    let port = free_port().await;
    let report = run(&options(&[(ProviderKind::Ollama, port)])).await;
    assert!(
        report.findings.is_empty() && report.errors.is_empty(),
        "{report:#?}"
    );
    assert_eq!(
        report.probed,
        [format!("127.0.0.1:{port}"), format!("[::1]:{port}")]
    );

    let mut configured = options(&[]);
    configured.extra_endpoints = vec![
        format!("http://127.0.0.1:{port}"),
        "not a url at all".into(),
    ];
    let report = run(&configured).await;
    assert!(report.findings.is_empty());
    assert_eq!(report.errors.len(), 2, "{:#?}", report.errors);
    let invalid = &report.errors[0];
    assert_eq!(invalid.remediation, Remediation::InvalidEndpoint);
    let refused = &report.errors[1];
    assert_eq!(refused.remediation, Remediation::NotRunning);
    assert_eq!(refused.endpoint, format!("http://127.0.0.1:{port}"));
    assert!(
        english(&refused.message).contains("Nothing listens"),
        "{refused:?}"
    );
}
