//! The provider TLS bench: does a TLS handshake to a provider delay the socket? The
//! agent serves every client from one thread; provider HTTP runs on a thread of its own
//! (`calls::io`). This measures `agent.status` on one connection, first alone, then
//! while 8 callers run `chat.run` back to back against a local HTTPS server, so that
//! each call does a fresh TLS handshake with certificate verification (the agent pools
//! no provider connection). The server answers after [`ANSWER_DELAY`], as a fast model
//! would, so 8 calls are in flight at once; and once more with no delay at all, which
//! saturates both cores with handshakes. Goal: the p99 under load within 1.5x of the
//! p99 alone.
//!
//! The server stands in for a provider on another machine, so its thread runs niced: its
//! own handshake work must not be counted against the agent's serving thread. The
//! server's certificate is made for the run (rcgen: a CA and a leaf for 127.0.0.1)
//! and trusted by the agent the standard way, through `SSL_CERT_FILE`, which the OS
//! certificate loader reads on Linux. Nothing in the agent is weakened for the bench.
//!
//! Nothing is asserted about the figures.
//!
//! ```text
//! cargo build --release -p llm-agent
//! cargo bench -p llm-agent-tests --bench provider_tls              # full run
//! cargo bench -p llm-agent-tests --bench provider_tls -- --quick   # smoke run
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use llm_agent_client::Client;
use llm_agent_protocol::methods::agent::Status;
use llm_agent_protocol::methods::chat::Run;
use llm_agent_tests::bench::{self, BenchAgent, RunSize, Samples, Table};
use llm_agent_tests::chat::{to_profile, user};
use llm_agent_tests::keyring::KeyringSession;
use llm_agent_tests::no_params;
use llm_agent_tests::profiles::{self, create, with_parallelism};
use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

/// Calls doing handshakes at the same time.
const CALLERS: usize = 8;
/// How long the stand-in takes to answer a request, in the paced case.
const ANSWER_DELAY: Duration = Duration::from_millis(100);
const MODEL: &str = "llama3.2";

fn main() {
    let size = RunSize::from_env();
    bench::print_title("provider_tls", size);
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().expect("temp dir");
    let (ca_pem, acceptor) = certificates();
    let bundle = dir.path().join("ca.pem");
    std::fs::write(&bundle, ca_pem).expect("write the CA bundle");

    // The server stands in for a provider on another machine: its handshakes' CPU must
    // not count against the agent's, so it runs niced (Linux gives each thread its own).
    let server_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .on_thread_start(|| {
            #[cfg(unix)]
            let _ = rustix::process::setpriority_process(None, 15);
        })
        .enable_all()
        .build()
        .expect("the server's runtime");
    let handshakes = Arc::new(AtomicU64::new(0));
    let paced = server_runtime.block_on(serve(acceptor.clone(), handshakes.clone(), ANSWER_DELAY));
    let flat_out = server_runtime.block_on(serve(acceptor, handshakes.clone(), Duration::ZERO));

    let keyring = KeyringSession::start();
    let agent = BenchAgent::with_keyring_and_env(
        &keyring,
        dir.path(),
        &[("SSL_CERT_FILE", bundle.display().to_string())],
    );
    let runtime = bench::client_runtime();
    runtime.block_on(async {
        let client = agent.client().await;
        let counts = size.counts((500, 5_000), (50, 500));
        let table = Table::start(52);
        let alone = status_samples(&client, counts.warmup, counts.timed).await;
        table.row("agent.status, alone", &alone.summary());
        for (port, how) in [
            (paced, "answering in 100 ms"),
            (flat_out, "answering at once"),
        ] {
            let endpoint = format!("https://127.0.0.1:{port}");
            let name = format!("TLS {how}");
            let profile = with_parallelism(profiles::ollama(&name, &endpoint, MODEL), CALLERS);
            let id = create(&client, profile).await;
            // One call first: it must succeed, or the figures would measure failures.
            client
                .call::<Run>(to_profile(&id, user("hello")))
                .await
                .expect("a chat call over TLS succeeds");
            under_load(
                &agent,
                &client,
                &id,
                how,
                counts,
                &handshakes,
                &table,
                &alone,
            )
            .await;
        }
    });
    drop(server_runtime);
}

/// `agent.status` while [`CALLERS`] calls to profile `id` do TLS handshakes.
#[allow(clippy::too_many_arguments)]
async fn under_load(
    agent: &BenchAgent,
    client: &Client,
    id: &str,
    how: &str,
    counts: bench::Counts,
    handshakes: &AtomicU64,
    table: &Table,
    alone: &Samples,
) {
    {
        let stop = Arc::new(AtomicBool::new(false));
        let before = handshakes.load(Ordering::Relaxed);
        let mut callers = Vec::new();
        for _ in 0..CALLERS {
            let caller = agent.client().await;
            let (stop, id) = (stop.clone(), id.to_owned());
            callers.push(tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    caller
                        .call::<Run>(to_profile(&id, user("hello")))
                        .await
                        .expect("chat.run over TLS");
                }
            }));
        }
        let started = Instant::now();
        let loaded = status_samples(client, counts.warmup, counts.timed).await;
        let elapsed = started.elapsed();
        stop.store(true, Ordering::Relaxed);
        for caller in callers {
            caller.await.expect("a caller");
        }
        let done = handshakes.load(Ordering::Relaxed) - before;
        table.row(
            &format!("agent.status, {CALLERS} TLS calls {how}"),
            &loaded.summary(),
        );
        println!(
            "  {done} TLS handshakes meanwhile ({:.0}/s); p99 under load / alone: {:.2}x",
            done as f64 / elapsed.as_secs_f64(),
            bench::micros(loaded.summary().p99) / bench::micros(alone.summary().p99),
        );
    }
}

async fn status_samples(client: &Client, warmup: usize, timed: usize) -> Samples {
    let mut samples = Samples::with_capacity(timed);
    for round in 0..warmup + timed {
        let start = Instant::now();
        client
            .call::<Status>(no_params())
            .await
            .expect("agent.status");
        if round >= warmup {
            samples.record_since(start);
        }
        // A client that reads the status now and then, not a flood.
        tokio::time::sleep(Duration::from_micros(200)).await;
    }
    samples
}

/// A CA made for this run (its PEM, for the agent to trust) and a TLS acceptor with a
/// leaf it signed for 127.0.0.1.
fn certificates() -> (String, TlsAcceptor) {
    let ca_key = KeyPair::generate().expect("a CA key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).expect("the CA");
    let leaf_key = KeyPair::generate().expect("a leaf key");
    let leaf_params = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
        .expect("leaf params");
    let leaf = leaf_params
        .signed_by(&leaf_key, &ca, &ca_key)
        .expect("the leaf");
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("TLS versions")
    .with_no_client_auth()
    .with_single_cert(
        vec![CertificateDer::from(leaf.der().to_vec())],
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
    )
    .expect("the server's certificate");
    (ca.pem(), TlsAcceptor::from(Arc::new(config)))
}

/// An HTTPS stand-in for Ollama: each connection does the handshake, reads one request
/// and answers it after `delay`, then closes. Returns its port.
async fn serve(acceptor: TlsAcceptor, handshakes: Arc<AtomicU64>, delay: Duration) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let acceptor = acceptor.clone();
            let handshakes = handshakes.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(stream).await else {
                    return;
                };
                handshakes.fetch_add(1, Ordering::Relaxed);
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                while !request_complete(&request) {
                    match tls.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                tokio::time::sleep(delay).await;
                let body = format!(
                    "{}\n",
                    serde_json::json!({
                        "model": MODEL, "message": {"role": "assistant", "content": "Hi"},
                        "done": true, "done_reason": "stop",
                        "prompt_eval_count": 3, "eval_count": 1,
                    })
                );
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/x-ndjson\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(response.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    port
}

/// Whether `bytes` hold a whole request: the head and a body of its `content-length`.
fn request_complete(bytes: &[u8]) -> bool {
    let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") else {
        return false;
    };
    let head = String::from_utf8_lossy(&bytes[..end]).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|value| value.trim().parse::<usize>().ok())
        .unwrap_or(0);
    bytes.len() >= end + 4 + length
}
