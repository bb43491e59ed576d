//! The load bench: the agent under many clients at once, and under hostile ones.
//!
//! Two phases, one agent (its data key in a real gnome-keyring on a private D-Bus
//! session, its data dir on a tmpfs when there is one, so writes cost the agent's work
//! rather than the disk's):
//!
//! - **load**: 64 clients, each on its own connection, each making 10,000 requests drawn
//!   at random from a mix of lists, gets, renames, activations, diagnostics queries,
//!   `agent.status` and subscribe/unsubscribe pairs. It prints the errors (the goal is
//!   none), p50 and p99 per method, and the agent's resident memory at the start, after
//!   the first tenth of the requests (warm), at its peak and at the end (the goal: flat
//!   once warm).
//! - **hostile**: 64 connections send frames made to cost a decoder memory (see
//!   `llm_agent_tests::hostile`) over and over while 4 well-behaved clients call
//!   `agent.status`. It prints those clients' latency and errors, and the agent's memory
//!   before, at its peak and after, next to the ceiling the decode budget promises.
//!
//! Nothing is asserted.
//!
//! ```text
//! cargo build --release -p llm-agent
//! cargo bench -p llm-agent-tests --bench load                 # full run
//! cargo bench -p llm-agent-tests --bench load -- --quick      # smoke run
//! ```
//! `BENCH_QUICK=1` does the same as `--quick`.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use llm_agent_client::Client;
use llm_agent_protocol::events::Topic;
use llm_agent_protocol::methods::agent::Status;
use llm_agent_protocol::methods::diagnostics::{Query, QueryParams};
use llm_agent_protocol::methods::events::{
    Subscribe, SubscribeParams, Unsubscribe, UnsubscribeParams,
};
use llm_agent_protocol::methods::profiles::{Activate, Get, IdParams, List, ListParams};
use llm_agent_tests::bench::{self, BenchAgent, ForeignLoad, RunSize, Samples, Table};
use llm_agent_tests::hostile::{self, Memory};
use llm_agent_tests::keyring::KeyringSession;
use llm_agent_tests::profiles::{self, rename};
use llm_agent_tests::{local_socket, no_params};

/// Clients of the load phase, each on its own connection, each with its own profile.
const CLIENTS: usize = 64;
/// Hostile connections and well-behaved clients of the hostile phase.
const ATTACKERS: usize = 64;
const BYSTANDERS: usize = 4;
/// The ceiling the decode budget promises, in MiB: 256 connections' allowances of 256 KiB
/// and the 32 MiB pool (the agent's `ipc::budget`).
const BUDGET_CEILING_MIB: u64 = 256 / 4 + 32;
/// A tmpfs, where the vault's writes cost no disk work.
const MEMORY_DIR: &str = "/dev/shm";
/// Width of the case column.
const CASE_WIDTH: usize = 24;

/// The mix: each method with its weight out of 100.
const MIX: &[(&str, u64)] = &[
    ("profiles.list", 25),
    ("profiles.get", 20),
    ("agent.status", 15),
    ("diagnostics.query", 10),
    ("profiles.update", 10),
    ("profiles.activate", 10),
    ("events.subscribe", 5),
    ("events.unsubscribe", 5),
];

fn main() {
    let size = RunSize::from_env();
    let requests = size.pick(10_000, 500);
    let hostile_rounds = size.pick(20, 3);
    bench::print_title("load", size);
    let parent = Some(PathBuf::from(MEMORY_DIR))
        .filter(|dir| dir.is_dir())
        .unwrap_or_else(std::env::temp_dir);
    bench::print_legend(&[
        (
            "agent",
            &[
                format!(
                    "{} at its default log level;",
                    llm_agent_tests::agent_binary().display()
                ),
                format!(
                    "data key in gnome-keyring; data dir under {}",
                    parent.display()
                ),
            ],
        ),
        (
            "load",
            &[format!(
                "{CLIENTS} clients x {requests} requests, one connection each; mix: {}",
                MIX.iter()
                    .map(|(method, weight)| format!("{method} {weight}%"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )],
        ),
        (
            "hostile",
            &[format!(
                "{ATTACKERS} connections x {hostile_rounds} rounds of every hostile frame; \
                 {BYSTANDERS} clients call agent.status meanwhile"
            )],
        ),
    ]);

    let runtime = bench::client_runtime();
    let keyring = KeyringSession::start();
    let agent = BenchAgent::with_keyring(&keyring, &parent);
    let ids = runtime.block_on(create_profiles(&agent));

    println!();
    println!("load, not pinned");
    let load = ForeignLoad::start(&bench::own_pids());
    runtime.block_on(run_load(&agent, &ids, requests));
    bench::print_load(&load);

    println!();
    println!("hostile, not pinned");
    let load = ForeignLoad::start(&bench::own_pids());
    runtime.block_on(run_hostile(&agent, hostile_rounds));
    bench::print_load(&load);
}

/// One profile per client, renamed by that client only.
async fn create_profiles(agent: &BenchAgent) -> Arc<Vec<String>> {
    let client = agent.client().await;
    let mut ids = Vec::with_capacity(CLIENTS);
    for index in 0..CLIENTS {
        ids.push(profiles::create(&client, profiles::local(&format!("load {index:02}"))).await);
    }
    Arc::new(ids)
}

/// What one client saw: latencies and errors by method.
#[derive(Default)]
struct Seen {
    samples: BTreeMap<&'static str, Samples>,
    errors: BTreeMap<&'static str, usize>,
}

impl Seen {
    fn merge(&mut self, other: Seen) {
        for (method, samples) in other.samples {
            self.samples.entry(method).or_default().merge(samples);
        }
        for (method, errors) in other.errors {
            *self.errors.entry(method).or_default() += errors;
        }
    }
}

async fn run_load(agent: &BenchAgent, ids: &Arc<Vec<String>>, requests: usize) {
    let pid = agent.pid();
    let start = Memory::of(pid);
    let warm_after = requests / 10;
    let warm_line = Arc::new(tokio::sync::Barrier::new(CLIENTS + 1));
    let mut workers = Vec::with_capacity(CLIENTS);
    for index in 0..CLIENTS {
        let client = agent.client().await;
        let ids = ids.clone();
        let warm_line = warm_line.clone();
        workers.push(tokio::spawn(async move {
            let mut seen = Seen::default();
            let mut rng = 0x2545_f491_4f6c_dd1d_u64 ^ (index as u64 + 1).wrapping_mul(0x9e37_79b9);
            let mut subscription = None;
            for round in 0..requests {
                if round == warm_after {
                    warm_line.wait().await;
                }
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                let started = Instant::now();
                let (method, ok) = one_request(
                    &client,
                    pick(rng),
                    &ids,
                    index,
                    round,
                    rng,
                    &mut subscription,
                )
                .await;
                seen.samples
                    .entry(method)
                    .or_default()
                    .record_since(started);
                if !ok {
                    *seen.errors.entry(method).or_default() += 1;
                }
            }
            seen
        }));
    }
    warm_line.wait().await;
    let warm = Memory::of(pid);
    let began = Instant::now();
    let mut seen = Seen::default();
    for worker in workers {
        seen.merge(worker.await.expect("a load client panicked"));
    }
    let elapsed = began.elapsed();
    let end = Memory::of(pid);

    let table = Table::start(CASE_WIDTH);
    let mut total = Samples::default();
    for (method, samples) in &seen.samples {
        table.row(method, &samples.summary());
        total.merge(samples.clone());
    }
    table.row("all", &total.summary());
    let errors: usize = seen.errors.values().sum();
    println!(
        "errors: {errors} of {} requests{}",
        total.len(),
        if errors == 0 {
            String::new()
        } else {
            format!(" {:?}", seen.errors)
        }
    );
    println!(
        "{:.0} requests/s over {:.1} s (after the first tenth)",
        (total.len() as f64 * 0.9) / elapsed.as_secs_f64(),
        elapsed.as_secs_f64()
    );
    print_memory("agent memory", start, warm, end);
}

/// A method of the mix, by weight.
fn pick(roll: u64) -> &'static str {
    let mut left = roll % 100;
    for (method, weight) in MIX {
        if left < *weight {
            return method;
        }
        left -= weight;
    }
    MIX[0].0
}

/// One request of `method`: the method it was, and whether it succeeded. Client `index`
/// renames only its own profile; activations pick any; `events.*` subscribes when the
/// client holds no subscription and unsubscribes when it holds one.
async fn one_request(
    client: &Client,
    method: &'static str,
    ids: &[String],
    index: usize,
    round: usize,
    roll: u64,
    subscription: &mut Option<u64>,
) -> (&'static str, bool) {
    let any_id = || ids[(roll >> 8) as usize % ids.len()].clone();
    let ok = match method {
        "profiles.list" => client.call::<List>(ListParams::default()).await.is_ok(),
        "profiles.get" => client.call::<Get>(IdParams { id: any_id() }).await.is_ok(),
        "agent.status" => client.call::<Status>(no_params()).await.is_ok(),
        "diagnostics.query" => client
            .call::<Query>(QueryParams {
                limit: Some(20),
                ..Default::default()
            })
            .await
            .is_ok(),
        "profiles.update" => {
            let name = format!("load {index:02} {}", round % 2);
            profiles::update(client, &ids[index], rename(&name))
                .await
                .is_ok()
        }
        "profiles.activate" => client
            .call::<Activate>(IdParams { id: any_id() })
            .await
            .is_ok(),
        "events.subscribe" | "events.unsubscribe" => {
            return match subscription.take() {
                Some(open) => {
                    let params = UnsubscribeParams { subscription: open };
                    let ok = client.call::<Unsubscribe>(params).await.is_ok();
                    ("events.unsubscribe", ok)
                }
                None => {
                    let params = SubscribeParams {
                        topics: vec![Topic::Discovery],
                        since_revision: None,
                    };
                    let subscribed = client.call::<Subscribe>(params).await;
                    *subscription = subscribed.as_ref().ok().map(|result| result.subscription);
                    ("events.subscribe", subscribed.is_ok())
                }
            };
        }
        other => unreachable!("{other} is not in the mix"),
    };
    (method, ok)
}

async fn run_hostile(agent: &BenchAgent, rounds: usize) {
    let pid = agent.pid();
    let before = Memory::of(pid);
    let frames = Arc::new(hostile::all());
    let attacking = Arc::new(AtomicBool::new(true));
    let attackers: Vec<_> = (0..ATTACKERS)
        .map(|_| {
            let socket = agent.socket().to_owned();
            let frames = frames.clone();
            std::thread::spawn(move || {
                let mut stream = local_socket::connect(&socket).expect("connect to the agent");
                llm_agent_tests::hello(&mut stream).expect("hello");
                let mut answers = 0;
                for _ in 0..rounds {
                    for hostile in frames.iter() {
                        std::io::Write::write_all(&mut stream, &hostile.frame)
                            .expect("send a hostile frame");
                        let mut header = [0u8; 4];
                        stream.read_exact(&mut header).expect("an answer");
                        let mut body = vec![0; u32::from_be_bytes(header) as usize];
                        stream.read_exact(&mut body).expect("an answer");
                        answers += 1;
                    }
                }
                answers
            })
        })
        .collect();
    let mut bystanders = Vec::with_capacity(BYSTANDERS);
    for _ in 0..BYSTANDERS {
        let client = agent.client().await;
        let attacking = attacking.clone();
        bystanders.push(tokio::spawn(async move {
            let mut samples = Samples::default();
            let mut errors = 0;
            while attacking.load(Ordering::Relaxed) {
                let started = Instant::now();
                if client.call::<Status>(no_params()).await.is_err() {
                    errors += 1;
                }
                samples.record_since(started);
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            (samples, errors)
        }));
    }
    let answers: usize = tokio::task::spawn_blocking(move || {
        attackers
            .into_iter()
            .map(|attacker| attacker.join().expect("an attacker failed"))
            .sum()
    })
    .await
    .expect("the attackers' join");
    attacking.store(false, Ordering::Relaxed);
    let mut samples = Samples::default();
    let mut errors = 0;
    for bystander in bystanders {
        let (seen, failed) = bystander.await.expect("a bystander panicked");
        samples.merge(seen);
        errors += failed;
    }
    let after = Memory::of(pid);
    println!("{answers} hostile frames answered");
    let table = Table::start(CASE_WIDTH);
    table.row("agent.status, bystander", &samples.summary());
    println!("bystander errors: {errors} of {}", samples.len());
    print_memory("agent memory", before, None, after);
    println!("the decode budget's ceiling for what frames hold: {BUDGET_CEILING_MIB} MiB");
}

/// Resident memory at the start, once warm (if measured), at the peak and at the end.
fn print_memory(what: &str, start: Option<Memory>, warm: Option<Memory>, end: Option<Memory>) {
    let mib = |memory: Option<Memory>, peak: bool| {
        memory.map_or("?".to_owned(), |memory| {
            let kib = if peak {
                memory.peak_kib
            } else {
                memory.rss_kib
            };
            format!("{:.1}", kib as f64 / 1024.0)
        })
    };
    let warm = match warm {
        Some(_) => format!(", warm {} MiB", mib(warm, false)),
        None => String::new(),
    };
    println!(
        "{what}: start {} MiB{warm}, peak {} MiB, end {} MiB (resident)",
        mib(start, false),
        mib(end, true),
        mib(end, false)
    );
}
