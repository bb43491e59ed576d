//! Discovery sweeps against fake servers on ephemeral ports: one fake per kind of the
//! probe table, answering what that kind answers; impostors that answer everything;
//! one server at two addresses; a host that never answers; servers that want a key; and
//! ports where nothing listens. These drive the library's sweep directly.

use std::collections::BTreeMap;
use std::net::{Ipv6Addr, SocketAddr};
use std::time::{Duration, Instant};

use llm_agent::discovery::{
    ConflictClass, DiscoveryFinding, ProbeTable, Remediation, SweepOptions, SweepReport, sweep,
};
use llm_agent::provider_kind::ProviderKind;
use llm_agent_protocol::methods::profiles::RedactedProfile;
use llm_agent_tests::http_fixture::{HttpFixture, RecordedRequest, Script};
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};

/// Generous: a loaded two-core machine still answers on loopback well within it, and a
/// sweep whose fakes all answer ends as soon as they have.
const BUDGET: Duration = Duration::from_secs(2);

fn ok(value: Value) -> Script {
    Script::json(200, &value)
}

fn text(status: u16, body: &str) -> Script {
    Script::new()
        .status(status)
        .header("content-type", "text/plain; charset=utf-8")
        .body(body.to_owned())
}

/// A fake that answers `routes` by path and everything else with `fallback`.
async fn fake(
    routes: Vec<(&'static str, Script)>,
    fallback: impl Fn(&str) -> Script + Send + Sync + 'static,
) -> HttpFixture {
    let routes: BTreeMap<&'static str, Script> = routes.into_iter().collect();
    HttpFixture::start(move |request: &RecordedRequest| {
        let path = request.path.split('?').next().unwrap_or_default();
        routes.get(path).cloned().unwrap_or_else(|| fallback(path))
    })
    .await
}

fn not_found(_: &str) -> Script {
    text(404, "404 page not found")
}

async fn ollama() -> HttpFixture {
    fake(
        vec![
            ("/", text(200, "Ollama is running")),
            ("/api/version", ok(json!({"version": "0.5.7"}))),
            (
                "/api/tags",
                ok(json!({"models": [{
                    "name": "llama3.2:latest", "model": "llama3.2:latest",
                    "modified_at": "2025-01-10T10:00:00.000000+01:00", "size": 2019393189u64,
                    "digest": "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
                    "details": {"parent_model": "", "format": "gguf", "family": "llama",
                                "families": ["llama"], "parameter_size": "3.2B",
                                "quantization_level": "Q4_K_M"}
                }]})),
            ),
        ],
        not_found,
    )
    .await
}

/// LM Studio: 200 to unknown paths, with its error text.
fn lm_studio_unexpected(path: &str) -> Script {
    ok(json!({"error": format!("Unexpected endpoint or method. (GET {path})")}))
}

async fn lm_studio() -> HttpFixture {
    fake(
        vec![
            ("/lmstudio-greeting", ok(json!({"lmstudio": true}))),
            (
                "/api/v0/models",
                ok(json!({"object": "list", "data": [
                    {"id": "qwen2.5-7b-instruct", "object": "model", "type": "llm",
                     "publisher": "lmstudio-community", "arch": "qwen2",
                     "compatibility_type": "gguf", "quantization": "Q4_K_M",
                     "state": "loaded", "max_context_length": 32768},
                    {"id": "text-embedding-nomic-embed-text-v1.5", "object": "model",
                     "type": "embeddings", "publisher": "nomic-ai", "arch": "nomic-bert",
                     "compatibility_type": "gguf", "quantization": "Q4_K_M",
                     "state": "not-loaded", "max_context_length": 2048}
                ]})),
            ),
            (
                "/v1/models",
                ok(json!({"data": [
                    {"id": "qwen2.5-7b-instruct", "object": "model", "owned_by": "organization_owner"}
                ], "object": "list"})),
            ),
        ],
        lm_studio_unexpected,
    )
    .await
}

async fn llama_cpp() -> HttpFixture {
    fake(
        vec![
            ("/health", ok(json!({"status": "ok"}))),
            (
                "/props",
                ok(json!({
                    "default_generation_settings": {"id": 0, "n_ctx": 8192, "params": {}},
                    "total_slots": 1, "model_path": "/models/qwen2.5-7b-instruct-q4_k_m.gguf",
                    "chat_template": "", "build_info": "b4567-abcdef0"
                })),
            ),
            (
                "/v1/models",
                ok(json!({"object": "list", "data": [{
                    "id": "qwen2.5-7b-instruct-q4_k_m.gguf", "object": "model",
                    "created": 1736000000, "owned_by": "llamacpp",
                    "meta": {"vocab_type": 2, "n_vocab": 152064, "n_ctx_train": 32768,
                             "n_embd": 3584, "n_params": 7615616512u64, "size": 4677120000u64}
                }]})),
            ),
            // llama.cpp also answers Ollama's model list.
            ("/api/tags", ok(json!({"models": []}))),
        ],
        |_| {
            Script::json(
                404,
                &json!({"error": {"code": 404, "message": "File Not Found", "type": "not_found_error"}}),
            )
        },
    )
    .await
}

fn fastapi_not_found(_: &str) -> Script {
    Script::json(404, &json!({"detail": "Not Found"}))
}

async fn vllm() -> HttpFixture {
    fake(
        vec![
            ("/health", Script::new().status(200).body(Vec::new())),
            ("/version", ok(json!({"version": "0.6.3"}))),
            (
                "/v1/models",
                ok(json!({"object": "list", "data": [{
                    "id": "Qwen/Qwen2.5-1.5B-Instruct", "object": "model", "created": 1736000000,
                    "owned_by": "vllm", "root": "Qwen/Qwen2.5-1.5B-Instruct", "parent": null,
                    "max_model_len": 32768, "permission": [{"id": "modelperm-1", "object": "model_permission"}]
                }]})),
            ),
        ],
        fastapi_not_found,
    )
    .await
}

async fn vllm_with_key() -> HttpFixture {
    fake(
        vec![
            ("/health", Script::new().status(200).body(Vec::new())),
            ("/version", ok(json!({"version": "0.6.3"}))),
            (
                "/v1/models",
                Script::json(401, &json!({"error": "Unauthorized"})),
            ),
        ],
        fastapi_not_found,
    )
    .await
}

async fn localai() -> HttpFixture {
    fake(
        vec![
            ("/readyz", text(200, "OK")),
            ("/healthz", text(200, "OK")),
            ("/version", ok(json!({"version": "v2.24.2 (0f4a1b2c3d4e)"}))),
            (
                "/v1/models",
                ok(json!({"object": "list", "data": [
                    {"id": "phi-2", "object": "model"},
                    {"id": "whisper-1", "object": "model"}
                ]})),
            ),
        ],
        |path| {
            Script::json(
                404,
                &json!({"error": {"code": 404, "message": format!("Cannot GET {path}"), "type": ""}}),
            )
        },
    )
    .await
}

async fn koboldcpp() -> HttpFixture {
    let models = ok(json!({"object": "list", "data": [{
        "id": "koboldcpp/Mistral-7B-Instruct-v0.3.Q4_K_M", "object": "model", "created": 1,
        "owned_by": "koboldcpp", "permission": [], "root": "koboldcpp"
    }]}));
    fake(
        vec![
            (
                "/api/extra/version",
                ok(
                    json!({"result": "KoboldCpp", "version": "1.78", "protected": false,
                          "txt2img": false, "vision": false, "transcribe": false}),
                ),
            ),
            (
                "/api/extra/true_max_context_length",
                ok(json!({"value": 8192})),
            ),
            (
                "/api/v1/model",
                ok(json!({"result": "koboldcpp/Mistral-7B-Instruct-v0.3.Q4_K_M"})),
            ),
            ("/v1/models", models.clone()),
            ("/engines/v1/models", models),
            // KoboldCpp imitates Ollama and llama.cpp too.
            ("/api/version", ok(json!({"version": "0.5.4"}))),
            (
                "/api/tags",
                ok(json!({"models": [{"name": "koboldcpp", "model": "koboldcpp", "size": 0}]})),
            ),
            (
                "/props",
                ok(json!({"default_generation_settings": {"n_ctx": 8192}, "total_slots": 1})),
            ),
        ],
        not_found,
    )
    .await
}

async fn text_generation_webui() -> HttpFixture {
    fake(
        vec![
            (
                "/v1/internal/model/info",
                ok(json!({"model_name": "Qwen2.5-7B-Instruct-Q4_K_M.gguf", "lora_names": [],
                          "loader": "llama.cpp"})),
            ),
            (
                "/v1/models",
                ok(json!({"object": "list", "data": [
                    {"id": "Qwen2.5-7B-Instruct-Q4_K_M.gguf", "object": "model", "created": 0, "owned_by": "user"}
                ]})),
            ),
        ],
        fastapi_not_found,
    )
    .await
}

async fn jan() -> HttpFixture {
    fake(
        vec![(
            "/v1/models",
            ok(json!({"object": "list", "data": [
                {"id": "qwen3-4b", "object": "model", "created": 1, "owned_by": "user"}
            ]})),
        )],
        |_| text(404, "Not Found"),
    )
    .await
}

async fn gpt4all() -> HttpFixture {
    fake(
        vec![(
            "/v1/models",
            ok(json!({"object": "list", "data": [{
                "id": "Llama 3 8B Instruct", "object": "model", "created": 0,
                "owned_by": "humanity", "root": "Llama 3 8B Instruct", "parent": null,
                "permissions": [{"id": "placeholder", "object": "model_permission"}]
            }]})),
        )],
        not_found,
    )
    .await
}

async fn docker_model_runner() -> HttpFixture {
    fake(
        vec![
            (
                "/engines/v1/models",
                ok(json!({"object": "list", "data": [
                    {"id": "ai/smollm2", "object": "model", "created": 1742816981, "owned_by": "docker"}
                ]})),
            ),
            (
                "/models",
                ok(json!([{"id": "sha256:354bf30d0aa3", "tags": ["ai/smollm2"], "created": 1742816981,
                           "config": {"format": "gguf", "quantization": "IQ2_XXS/Q4_K_M",
                                      "parameters": "361.82 M", "architecture": "llama",
                                      "size": "256.35 MiB"}}])),
            ),
        ],
        not_found,
    )
    .await
}

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
            error.message.contains("not like any model server"),
            "{error:?}"
        );
        assert!(!error.hint.is_empty());
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
    assert!(stalled.hint.contains("300 ms"), "{stalled:?}");
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
    assert!(refused.message.contains("Nothing listens"), "{refused:?}");
}
