//! The live-state bench: what announcing state changes costs a durable write, and what
//! a filtered `diagnostics.query` costs over a full journal.
//!
//! - **Writes with and without subscribers.** 32 writers rename their own profile back
//!   and forth (`profiles.update`: keyring lookup, temp file, fsync, rename, fsync of
//!   the dir, then the event and the answer), first with no subscriber, then with 10
//!   clients subscribed to every state topic (`profiles`, `safe_storage`, `roles`,
//!   `catalog`) and reading every event, in alternating rounds so drift in the disk's
//!   speed falls on both. The subscribers run on a thread of their own, as another
//!   process's would. Once with the data dir on disk (the temp dir) and once on a tmpfs,
//!   where a write costs little more than its keyring lookup, which makes the events'
//!   share as large as it can be. The goal is under 5% of the write throughput. On a
//!   shared 2-core machine throughput swings with other processes' load (printed), so
//!   the agent's own CPU time per write is reported too: the extra CPU time with
//!   subscribers is what announcing costs, whatever the neighbours do, and its share of
//!   a write's time at the measured throughput bounds the throughput it can take.
//! - **Queries over a full journal.** The agent starts with a journal of 10 files of
//!   almost 5 MiB (the most it keeps) of request and prompt-test events spread over a
//!   week, then answers `diagnostics.query` with a filter one event in a thousand
//!   matches (a profile id), a filter most events match (a method, the newest 100), a
//!   time range (the last day), and one filter in the oldest file. The goal is under
//!   200 ms.
//!
//! ```text
//! cargo build --release -p llm-agent
//! cargo bench -p llm-agent-tests --bench live_state            # full run
//! cargo bench -p llm-agent-tests --bench live_state -- --quick # smoke run
//! ```
//! `BENCH_QUICK=1` does the same as `--quick`; `TMPDIR` moves the on-disk cases.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use futures_util::StreamExt;
use llm_agent_client::{Connector, SubscriptionItem};
use llm_agent_protocol::events::{DiagnosticsEvent, DiagnosticsKind, PromptTestRecord, Topic};
use llm_agent_protocol::methods::diagnostics::{Query, QueryParams};
use llm_agent_protocol::methods::profiles::{TestStage, TestTimings};
use llm_agent_tests::bench::{
    self, BenchAgent, Counts, ForeignLoad, RunSize, Samples, Summary, Table,
};
use llm_agent_tests::keyring::KeyringSession;
use llm_agent_tests::profiles;

/// Writers, each with its own profile and connection.
const WRITERS: usize = 32;
/// Clients subscribed to every state topic in the "with subscribers" rounds.
const SUBSCRIBERS: usize = 10;
/// A tmpfs: fsync returns at once.
const MEMORY_DIR: &str = "/dev/shm";
/// The journal the query cases search: the agent's own bound.
const JOURNAL_FILES: usize = 10;
const JOURNAL_FILE_BYTES: usize = 5 * 1024 * 1024;
/// The share of each file left free, so the agent's own events during the bench never
/// rotate it.
const JOURNAL_HEADROOM_PERCENT: usize = 10;
/// Profiles named in the journal's events; the selective filter names one of them.
const JOURNAL_PROFILES: usize = 1000;
/// How far back the journal's events go.
const JOURNAL_SPAN: Duration = Duration::from_secs(7 * 24 * 3600);
const CASE_WIDTH: usize = 44;

struct Plan {
    rounds: usize,
    /// Writes per writer per round.
    writes_each: Counts,
    queries: Counts,
    /// The size of each journal file (a quick run's journal is a smoke test's).
    journal_file_bytes: usize,
}

impl Plan {
    fn new(size: RunSize) -> Self {
        Self {
            rounds: size.pick(10, 2),
            writes_each: size.counts((2, 20), (1, 3)),
            queries: size.counts((3, 30), (1, 5)),
            journal_file_bytes: size.pick(JOURNAL_FILE_BYTES, JOURNAL_FILE_BYTES / 16),
        }
    }
}

fn main() {
    let size = RunSize::from_env();
    let plan = Plan::new(size);
    bench::print_title("live_state", size);
    let runtime = bench::client_runtime();
    let keyring = KeyringSession::start();

    let disk_dir = std::env::temp_dir();
    let memory_dir = Some(PathBuf::from(MEMORY_DIR))
        .filter(|dir| bench::filesystem_of(dir).as_deref() == Some("tmpfs"));
    bench::print_legend(&[
        (
            "writes",
            &[
                format!("{WRITERS} writers: profiles.update renaming each one's own profile,"),
                format!(
                    "{} rounds of {} (after {} untimed) writes each, alternately",
                    plan.rounds, plan.writes_each.timed, plan.writes_each.warmup
                ),
                format!("without and with {SUBSCRIBERS} subscribers of every state topic"),
            ],
        ),
        (
            "queries",
            &[
                format!(
                    "diagnostics.query over {JOURNAL_FILES} journal files of {} KiB ({JOURNAL_HEADROOM_PERCENT}% left free),",
                    plan.journal_file_bytes / 1024,
                ),
                plan.queries.describe("each case, 1 client"),
            ],
        ),
    ]);

    for (name, dir) in [("disk", Some(disk_dir)), ("tmpfs", memory_dir)] {
        let Some(dir) = dir else {
            println!("\n{MEMORY_DIR} is not a tmpfs here: the tmpfs cases are skipped");
            continue;
        };
        let filesystem = bench::filesystem_of(&dir).unwrap_or_else(|| "unknown".into());
        println!("\nwrites, data dir under {} ({filesystem})", dir.display());
        runtime.block_on(writes(&keyring, &dir, name, &plan));
    }

    println!("\nqueries over a full journal");
    runtime.block_on(queries(&plan));
}

/// Alternating rounds of writes without and with subscribers, and their comparison.
async fn writes(keyring: &KeyringSession, parent: &Path, name: &str, plan: &Plan) {
    let agent = BenchAgent::with_keyring(keyring, parent);
    let client = agent.client().await;
    let mut ids = Vec::with_capacity(WRITERS);
    for writer in 0..WRITERS {
        let params = profiles::local(&format!("writer {writer:02}"));
        ids.push(profiles::create(&client, params).await);
    }
    let ids = Arc::new(ids);
    let load = ForeignLoad::start(&bench::own_pids());
    let mut without = Samples::default();
    let mut with = Samples::default();
    let mut per_round = Vec::new();
    let (mut cpu_without, mut cpu_with) = (Duration::ZERO, Duration::ZERO);
    let writes_per_round = (WRITERS * (plan.writes_each.warmup + plan.writes_each.timed)) as u64;
    for round in 0..plan.rounds {
        let cpu = bench::cpu_time(agent.pid());
        let quiet = rename_round(&agent, &ids, plan.writes_each, round).await;
        cpu_without += since(cpu, agent.pid());
        let listeners = Subscribers::start(agent.socket(), SUBSCRIBERS);
        let cpu = bench::cpu_time(agent.pid());
        let listened = rename_round(&agent, &ids, plan.writes_each, round).await;
        cpu_with += since(cpu, agent.pid());
        let received = listeners.stop_after(writes_per_round).await;
        assert!(
            received.iter().all(|n| *n >= writes_per_round),
            "every subscriber gets every event: {received:?} of {writes_per_round}"
        );
        per_round.push((quiet.summary().per_sec, listened.summary().per_sec));
        without.merge(quiet);
        with.merge(listened);
    }
    let table = Table::start(CASE_WIDTH);
    let (quiet, listened) = (without.summary(), with.summary());
    table.row(&format!("{name}: update, no subscriber"), &quiet);
    table.row(
        &format!("{name}: update, {SUBSCRIBERS} subscribers"),
        &listened,
    );
    let rounds: Vec<String> = per_round
        .iter()
        .map(|(q, l)| format!("{:+.1}%", (l / q - 1.0) * 100.0))
        .collect();
    println!(
        "{name}: throughput with subscribers {:+.1}% (median of rounds {:+.1}%; rounds {})",
        (listened.per_sec / quiet.per_sec - 1.0) * 100.0,
        median_change(&per_round),
        rounds.join(", ")
    );
    let writes = (writes_per_round * plan.rounds as u64) as f64;
    let per_write = |cpu: Duration| bench::micros(cpu) / writes;
    let extra = per_write(cpu_with) - per_write(cpu_without);
    let budget = 1e6 / quiet.per_sec;
    println!(
        "{name}: agent CPU per write {:.0} µs without, {:.0} µs with {SUBSCRIBERS} subscribers: \
         {extra:+.0} µs, {:+.1}% of a write's {budget:.0} µs at {:.0} writes/s",
        per_write(cpu_without),
        per_write(cpu_with),
        extra / budget * 100.0,
        quiet.per_sec
    );
    bench::print_load(&load);
}

/// The CPU time `pid` used since `start` (zero where `/proc` cannot tell).
fn since(start: Option<Duration>, pid: u32) -> Duration {
    start
        .zip(bench::cpu_time(pid))
        .map_or(Duration::ZERO, |(start, now)| now.saturating_sub(start))
}

/// The median, over rounds, of the throughput change with subscribers, in percent.
fn median_change(rounds: &[(f64, f64)]) -> f64 {
    let mut changes: Vec<f64> = rounds.iter().map(|(q, l)| (l / q - 1.0) * 100.0).collect();
    changes.sort_by(f64::total_cmp);
    match changes.len() {
        0 => 0.0,
        n if n % 2 == 1 => changes[n / 2],
        n => (changes[n / 2 - 1] + changes[n / 2]) / 2.0,
    }
}

async fn rename_round(
    agent: &BenchAgent,
    ids: &Arc<Vec<String>>,
    counts: Counts,
    round: usize,
) -> Samples {
    let ids = Arc::clone(ids);
    agent
        .run_clients(WRITERS, counts, move |client, writer, n| {
            let id = ids[writer].clone();
            let name = format!("writer {writer:02} {round} {}", ["a", "b"][n % 2]);
            async move {
                profiles::update(&client, &id, profiles::rename(&name))
                    .await
                    .expect("profiles.update failed");
            }
        })
        .await
}

/// Clients that follow every state topic on a thread of their own, counting events.
struct Subscribers {
    stop: Arc<AtomicBool>,
    counts: Vec<Arc<AtomicU64>>,
    thread: std::thread::JoinHandle<()>,
}

impl Subscribers {
    fn start(socket: &Path, subscribers: usize) -> Self {
        let socket = socket.to_owned();
        let stop = Arc::new(AtomicBool::new(false));
        let counts: Vec<Arc<AtomicU64>> = (0..subscribers).map(|_| Arc::default()).collect();
        let (ready, subscribed) = std::sync::mpsc::channel();
        let thread = {
            let (stop, counts) = (Arc::clone(&stop), counts.clone());
            std::thread::spawn(move || {
                bench::client_runtime().block_on(async move {
                    let mut tasks = Vec::new();
                    for count in counts {
                        let client = Connector::new()
                            .socket(&socket)
                            .client_name("live-state-bench", "0")
                            .connect()
                            .await
                            .expect("connect a subscriber");
                        let mut events = client
                            .subscribe([
                                Topic::Profiles,
                                Topic::SafeStorage,
                                Topic::Roles,
                                Topic::Catalog,
                            ])
                            .await
                            .expect("subscribe");
                        let stop = Arc::clone(&stop);
                        tasks.push(tokio::spawn(async move {
                            while !stop.load(Ordering::Relaxed) {
                                let next =
                                    tokio::time::timeout(Duration::from_millis(50), events.next());
                                match next.await {
                                    Ok(Some(SubscriptionItem::Event(_))) => {
                                        count.fetch_add(1, Ordering::Relaxed);
                                    }
                                    Ok(other) => panic!("a subscriber's stream ended: {other:?}"),
                                    Err(_) => {}
                                }
                            }
                            drop(client);
                        }));
                    }
                    let _ = ready.send(());
                    for task in tasks {
                        task.await.expect("a subscriber panicked");
                    }
                });
            })
        };
        subscribed.recv().expect("subscribers started");
        Self {
            stop,
            counts,
            thread,
        }
    }

    /// Waits (a few seconds at most) until each has `expected` events, then stops them
    /// and returns what each received.
    async fn stop_after(self, expected: u64) -> Vec<u64> {
        for _ in 0..500 {
            if self
                .counts
                .iter()
                .all(|c| c.load(Ordering::Relaxed) >= expected)
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        self.stop.store(true, Ordering::Relaxed);
        let _ = tokio::task::spawn_blocking(move || self.thread.join()).await;
        self.counts
            .iter()
            .map(|c| c.load(Ordering::Relaxed))
            .collect()
    }
}

/// Each query case over an agent started with a full journal.
async fn queries(plan: &Plan) {
    let now = SystemTime::now();
    let mut lines = 0usize;
    let agent = BenchAgent::start_prepared(|data_dir| {
        lines = write_journal(&data_dir.join("diagnostics"), now, plan.journal_file_bytes);
    });
    let client = agent.client().await;
    println!("  journal: {lines} events in {JOURNAL_FILES} files");
    let day_ago = llm_agent_protocol_time(now - Duration::from_secs(24 * 3600));
    let week_ago = llm_agent_protocol_time(now - JOURNAL_SPAN + Duration::from_secs(3600));
    let cases = [
        (
            "one profile's events (1 in 1000)",
            QueryParams {
                profile_id: Some(profile_id(7)),
                ..QueryParams::default()
            },
        ),
        (
            "method agent.status, newest 100",
            QueryParams {
                method: Some("agent.status".into()),
                ..QueryParams::default()
            },
        ),
        (
            "prompt tests of the last day",
            QueryParams {
                kind: Some(DiagnosticsKind::PromptTest),
                since: Some(day_ago),
                ..QueryParams::default()
            },
        ),
        (
            "failures in the oldest hour",
            QueryParams {
                result: Some("PROVIDER_ERROR".into()),
                until: Some(week_ago),
                ..QueryParams::default()
            },
        ),
        ("no filter, newest 100", QueryParams::default()),
    ];
    let table = Table::start(CASE_WIDTH);
    let mut summaries: Vec<(String, Summary, u64)> = Vec::new();
    for (name, params) in cases {
        let mut matched = 0;
        for _ in 0..plan.queries.warmup {
            client
                .call::<Query>(params.clone())
                .await
                .expect("diagnostics.query");
        }
        let mut samples = Samples::with_capacity(plan.queries.timed);
        for _ in 0..plan.queries.timed {
            let start = std::time::Instant::now();
            let result = client
                .call::<Query>(params.clone())
                .await
                .expect("diagnostics.query");
            samples.record_since(start);
            matched = result.matched;
        }
        let summary = samples.summary();
        table.row(name, &summary);
        summaries.push((name.to_owned(), summary, matched));
    }
    for (name, _, matched) in summaries {
        println!("  {name}: {matched} matched");
    }
}

fn llm_agent_protocol_time(at: SystemTime) -> String {
    use time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::from(at)
        .format(&Rfc3339)
        .expect("a formattable time")
}

fn profile_id(n: usize) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

/// Writes a journal of [`JOURNAL_FILES`] files of `file_bytes` less the headroom, oldest
/// events in the highest-numbered file, as the agent rotates it; returns how many events.
fn write_journal(dir: &Path, now: SystemTime, file_bytes: usize) -> usize {
    std::fs::create_dir_all(dir).expect("the journal dir");
    let line_len = |n: u64| serde_json::to_vec(&event(n, now)).expect("an event").len() + 1;
    let room = (file_bytes - file_bytes * JOURNAL_HEADROOM_PERCENT / 100).max(line_len(0) * 16);
    // First how many events fill each file (their sizes vary), then the events, spread
    // evenly over the span up to now.
    let mut per_file = Vec::with_capacity(JOURNAL_FILES);
    let mut n = 0u64;
    for _ in 0..JOURNAL_FILES {
        let (mut bytes, mut count) = (0, 0);
        while bytes + line_len(n) <= room {
            bytes += line_len(n);
            count += 1;
            n += 1;
        }
        per_file.push(count);
    }
    let total: usize = per_file.iter().sum();
    let step = JOURNAL_SPAN.as_secs_f64() / total as f64;
    let mut written = 0;
    for (file, count) in (0..JOURNAL_FILES).rev().zip(per_file) {
        let path = journal_path(dir, file);
        let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("a journal file"));
        for _ in 0..count {
            let at = now - JOURNAL_SPAN + Duration::from_secs_f64(step * (written + 1) as f64);
            let mut line = serde_json::to_vec(&event(written as u64, at)).expect("an event");
            line.push(b'\n');
            out.write_all(&line).expect("write the journal");
            written += 1;
        }
        out.flush().expect("flush the journal");
    }
    written
}

/// The journal file `index` in `dir`, named as the agent names it (0 is the current one).
fn journal_path(dir: &Path, index: usize) -> PathBuf {
    match index {
        0 => dir.join("events.jsonl"),
        n => dir.join(format!("events.{n}.jsonl")),
    }
}

/// The `n`th event of the bench journal: mostly requests, some prompt tests, a few
/// failures, each about one of [`JOURNAL_PROFILES`] profiles now and then.
fn event(n: u64, at: SystemTime) -> DiagnosticsEvent {
    let methods = [
        "agent.status",
        "profiles.list",
        "profiles.get",
        "profiles.update",
        "events.subscribe",
    ];
    let prompt_test = n % 10 == 3;
    let failed = n.is_multiple_of(97);
    DiagnosticsEvent {
        seq: n % 100_000 + 1,
        ts: llm_agent_protocol_time(at),
        kind: if prompt_test {
            DiagnosticsKind::PromptTest
        } else {
            DiagnosticsKind::Request
        },
        correlation_id: Some(format!("c0ffee00-0000-4000-8000-{n:012}")),
        method: Some(
            if prompt_test {
                "profiles.test"
            } else {
                methods[(n % 5) as usize]
            }
            .into(),
        ),
        result: if failed {
            "PROVIDER_ERROR".into()
        } else {
            "OK".into()
        },
        duration_us: 40 + n % 300,
        peer_pid: Some(4242),
        peer_uid: None,
        actor: None,
        profile_id: (prompt_test || n % 5 >= 2)
            .then(|| profile_id((n % JOURNAL_PROFILES as u64) as usize)),
        safe_storage: None,
        prompt_test: prompt_test.then(|| {
            Box::new(PromptTestRecord {
                provider: "ollama".into(),
                http_status: Some(200),
                attempts: 1,
                streamed: true,
                stage: TestStage::Complete,
                timings: TestTimings {
                    queued_ms: 0.1,
                    connected_ms: Some(0.4),
                    headers_ms: Some(12.0),
                    first_token_ms: Some(80.0),
                    completed_ms: Some(240.0),
                    total_ms: 241.0,
                },
                input_tokens: Some(12),
                output_tokens: Some(9),
            })
        }),
        model_call: None,
    }
}
