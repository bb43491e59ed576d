//! The vault bench: what a durable profile write costs through the real `llm-agent`, where
//! that time goes, and what reading 50 profiles costs next to a bare Unix-socket
//! ping-pong.
//!
//! The agent keeps its data key in a real gnome-keyring on a private D-Bus session
//! ([`KeyringSession`]), so each write does what it does for a user: a keyring lookup
//! (safe storage is checked before a mutation), then `profiles.json` replaced through a
//! temp file, fsync, rename and fsync of the dir, and only then the answer.
//!
//! Cases, all in one run:
//! - writes: `profiles.update` renaming a profile back and forth (each writer its own
//!   profile, so the file keeps its size), from 1 writer and from 32 writers on 32
//!   connections. Twice: with the agent's data dir in the temp dir (on disk), and on a
//!   tmpfs, where the file work is nearly free; the difference is what the disk costs.
//! - the parts of a write, measured alone: the same atomic replace of a file holding
//!   `profiles.json`'s bytes, done by this process on each filesystem; serializing that
//!   JSON; and a vault round trip that writes nothing (`profiles.activate` of the active
//!   profile, answered "unchanged" without the keyring or the disk). The keyring lookup
//!   is not timed alone: that would take a D-Bus client in this crate, and `secret-tool`
//!   costs a process start per lookup. It is what a tmpfs write has left after the other
//!   parts.
//! - reads, 1 client each: the spine bench's raw ping-pong (100 B each way); a raw round
//!   trip that moves what `profiles.list` moves (its request frame out, its response
//!   frame back); `profiles.list` of the 50 profiles as bare frames (a pre-encoded
//!   request, the response read but not decoded: the agent's share); and the list
//!   through `llm_agent_client::Client` (encode, round trip, typed decode). Ratios at p50
//!   and p99: bare frames / same bytes (the goal is 2.5 or less), client / same bytes,
//!   and client / 100 B ping-pong (the goal is 5 or less).
//!
//! The writes run unpinned: they cross four processes (this one, the agent, the bus, the
//! keyring daemon) and the disk, and cost milliseconds, far above the tens of
//! microseconds a CPU placement moves. The list cases run under each placement
//! (see [`Placement`]), as in the spine bench.
//!
//! Besides the table it prints where a single write's time goes, with this process's
//! replace step by step, and a model of group commit (one keyring lookup and one replace
//! for all the mutations queued meanwhile) built from the measured parts. Nothing is
//! asserted.
//!
//! ```text
//! cargo build --release -p llm-agent
//! cargo bench -p llm-agent-tests --bench vault                          # full run
//! cargo bench -p llm-agent-tests --bench vault -- --quick               # smoke run
//! cargo bench -p llm-agent-tests --bench vault -- --placement free      # one placement
//! cargo bench -p llm-agent-tests --bench vault -- --reads               # reads only
//! ```
//! `BENCH_QUICK=1`, `BENCH_PLACEMENT=NAME` and `BENCH_READS=1` do the same as the flags; `TMPDIR` moves the
//! on-disk cases to another filesystem.

use std::fs::File;
use std::hint::black_box;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use llm_agent_protocol::envelope;
use llm_agent_protocol::methods::profiles::{Activate, CreateParams, IdParams, List, ListParams};
use llm_agent_protocol::safe_storage::SafeStorageState;
use llm_agent_tests::agent_binary;
use llm_agent_tests::bench::{
    self, BareConnection, BenchAgent, Counts, EchoServer, ForeignLoad, PING_LEN, Placement,
    RunSize, Samples, Summary, Table,
};
use llm_agent_tests::keyring::KeyringSession;
use llm_agent_tests::profiles;

/// Profiles in each vault: the list case reads them all; writers rename the first ones.
const PROFILES: usize = 50;
/// One profile in this many has an API key, so a write's keyring check also opens a
/// sealed sample, as it does for a user with keys.
const KEYED_EVERY: usize = 5;
/// Writers (and clients) in the concurrent cases, each on its own connection.
const CONCURRENT: usize = 32;
/// A tmpfs: fsync returns at once, and freeing a file's blocks costs no disk work.
const MEMORY_DIR: &str = "/dev/shm";
/// The file the vault writes, and the one this process replaces the same way.
const PROFILES_FILE: &str = "profiles.json";
/// Width of the case column.
const CASE_WIDTH: usize = 50;

/// How many operations each case makes.
struct Plan {
    /// Writes from 1 writer, and durable replaces by this process: milliseconds each.
    writes: Counts,
    /// Writes from each of the concurrent writers.
    writes_each: Counts,
    /// Operations of microseconds, 1 client: replaces on tmpfs, serialization, no-op
    /// vault calls, reads.
    fast: Counts,
    /// No-op vault calls from each of the concurrent clients.
    fast_each: Counts,
    /// Raw ping-pong round trips.
    ping_pongs: Counts,
}

impl Plan {
    fn new(size: RunSize) -> Self {
        Self {
            writes: size.counts((50, 1_000), (5, 100)),
            writes_each: size.counts((3, 50), (1, 5)),
            fast: size.counts((500, 5_000), (50, 500)),
            fast_each: size.counts((20, 200), (2, 20)),
            ping_pongs: size.counts((2_000, 20_000), (200, 2_000)),
        }
    }
}

fn main() {
    EchoServer::serve_if_asked();
    let size = RunSize::from_env();
    let plan = Plan::new(size);
    let placements = Placement::from_env_or_exit("vault", &["split", "shared"]);
    let disk_dir = std::env::temp_dir();
    let memory_dir = Some(PathBuf::from(MEMORY_DIR))
        .filter(|dir| bench::filesystem_of(dir).as_deref() == Some("tmpfs"));
    print_header(size, &plan, &disk_dir, memory_dir.as_deref());

    // One client thread for every connection: see `client_runtime`.
    let runtime = bench::client_runtime();
    let keyring = KeyringSession::start();
    let disk = runtime.block_on(Vault::start(&keyring, &disk_dir));
    let memory = memory_dir
        .as_deref()
        .map(|dir| runtime.block_on(Vault::start(&keyring, dir)));
    let echo = EchoServer::start();
    let file = std::fs::read(disk.agent.data_dir().join(PROFILES_FILE)).expect("profiles.json");
    println!(
        "  {:<8}{PROFILES} profiles, {} with an API key; {PROFILES_FILE} is {} bytes",
        "vault",
        PROFILES.div_ceil(KEYED_EVERY),
        file.len()
    );

    if reads_only() {
        println!("  (--reads: the write cases are skipped)");
    } else {
        println!();
        println!("writes, not pinned");
        let load = ForeignLoad::start(&bench::own_pids());
        let figures = runtime.block_on(measure_writes(&plan, &disk, memory.as_ref(), &file));
        print_breakdown(&figures);
        bench::print_load(&load);
    }

    let list_bytes = runtime.block_on(list_response_len(&disk.agent));
    let list = ListFrames::new(&disk.agent);
    for placement in placements {
        println!();
        println!(
            "reads ({list_bytes} B answer; {} B request frame, {} B response frame), placement {}",
            list.request.len(),
            list.response_len,
            placement.describe()
        );
        placement.pin(&[echo.pid(), disk.agent.pid()]);
        let load = ForeignLoad::start(&bench::own_pids());
        run_reads(&plan, &runtime, &echo, &disk.agent, &list);
        bench::print_load(&load);
    }
}

/// Whether the command line has `--reads` (or `BENCH_READS=1` is set): only the read
/// cases run.
fn reads_only() -> bool {
    std::env::args().any(|arg| arg == "--reads")
        || std::env::var("BENCH_READS").is_ok_and(|value| value == "1")
}

/// The `profiles.list` request as a complete frame, and the length of its response frame:
/// what the bare-frames case sends, and what the raw case moves to match it.
struct ListFrames {
    request: Vec<u8>,
    response_len: usize,
}

impl ListFrames {
    fn new(agent: &BenchAgent) -> Self {
        let request = BareConnection::request_frame::<List>(ListParams::default());
        let response_len = BareConnection::open(agent).round_trip(&request);
        Self {
            request,
            response_len,
        }
    }
}

/// What runs where, and how many times.
fn print_header(size: RunSize, plan: &Plan, disk_dir: &Path, memory_dir: Option<&Path>) {
    bench::print_title("vault", size);
    let on = |dir: &Path| {
        let filesystem = bench::filesystem_of(dir).unwrap_or_else(|| "unknown filesystem".into());
        format!("data dir under {} ({filesystem})", dir.display())
    };
    let disk = match bench::filesystem_of(disk_dir).as_deref() {
        Some("tmpfs") => format!(
            "{}: a tmpfs, so fsync is free; set TMPDIR to a disk",
            on(disk_dir)
        ),
        _ => on(disk_dir),
    };
    let memory = match memory_dir {
        Some(dir) => format!("{}: fsync returns at once, no blocks to free", on(dir)),
        None => format!("{MEMORY_DIR} is not a tmpfs here: the tmpfs cases are skipped"),
    };
    bench::print_legend(&[
        (
            "agent",
            &[
                format!("{} at its default log level;", agent_binary().display()),
                "data key in gnome-keyring on a private D-Bus session".into(),
            ],
        ),
        ("disk", &[disk]),
        ("tmpfs", &[memory]),
        (
            "update",
            &[
                "profiles.update renaming the writer's own profile back and forth:".into(),
                "keyring lookup, temp file, fsync, rename, fsync(dir), then the answer".into(),
            ],
        ),
        (
            "replace",
            &[
                format!("this process: {PROFILES_FILE}'s bytes to a temp file, fsync,"),
                "rename, fsync(dir), as the vault's store does".into(),
            ],
        ),
        (
            "no-op",
            &[
                "profiles.activate of the active profile: the vault actor answers".into(),
                "\"unchanged\" without the keyring or the disk".into(),
            ],
        ),
        (
            "reads",
            &[
                format!(
                    "profiles.list of {PROFILES} profiles via llm-agent-client; raw: {PING_LEN} B"
                ),
                "ping-pong on a UnixStream with an echo server in another process".into(),
            ],
        ),
        (
            "counts",
            &[
                plan.writes.describe("writes, 1 writer"),
                plan.writes_each
                    .describe(&format!("{CONCURRENT} writers, each")),
                plan.fast.describe("other cases, 1 client"),
                plan.fast_each
                    .describe(&format!("no-op, {CONCURRENT} clients, each")),
                plan.ping_pongs.describe("raw ping-pong"),
            ],
        ),
    ]);
}

/// An agent with a vault of [`PROFILES`] profiles, its data dir on a chosen filesystem.
struct Vault {
    agent: BenchAgent,
    /// The dir the agent's temp dir is in: the filesystem its writes land on.
    parent: PathBuf,
    /// In creation order; the first one is active.
    ids: Arc<Vec<String>>,
}

impl Vault {
    async fn start(keyring: &KeyringSession, parent: &Path) -> Self {
        let agent = BenchAgent::with_keyring(keyring, parent);
        let client = agent.client().await;
        let mut ids = Vec::with_capacity(PROFILES);
        for index in 0..PROFILES {
            ids.push(profiles::create(&client, profile(index)).await);
        }
        let list = client
            .call::<List>(ListParams::default())
            .await
            .expect("profiles.list");
        assert_eq!(list.profiles.len(), PROFILES);
        assert_eq!(list.safe_storage.state, SafeStorageState::Available);
        Self {
            agent,
            parent: parent.to_owned(),
            ids: Arc::new(ids),
        }
    }
}

/// Profile `index`: a local one, or, one in [`KEYED_EVERY`], a remote one with a key.
fn profile(index: usize) -> CreateParams {
    let name = format!("bench {index:02}");
    if index.is_multiple_of(KEYED_EVERY) {
        profiles::remote(
            &name,
            &format!("sk-bench-{index:04}-abcdefghijklmnopqrstuvwxyz"),
        )
    } else {
        profiles::local(&name)
    }
}

/// Every write case, as one p50/p99/throughput summary each.
struct WriteFigures {
    replace_disk: Summary,
    /// p50 of each step of `replace_disk`: write, fsync, rename, fsync of the dir.
    replace_disk_steps: [Duration; 4],
    replace_memory: Option<Summary>,
    serialize: Summary,
    noop_one: Summary,
    noop_many: Summary,
    update_disk_one: Summary,
    update_disk_many: Summary,
    update_memory_one: Option<Summary>,
    update_memory_many: Option<Summary>,
}

async fn measure_writes(
    plan: &Plan,
    disk: &Vault,
    memory: Option<&Vault>,
    file: &[u8],
) -> WriteFigures {
    let table = Table::start(CASE_WIDTH);
    let row = |case: &str, samples: Samples| {
        let summary = samples.summary();
        table.row(case, &summary);
        summary
    };
    let disk_replaces = replaces(plan.writes, &disk.parent, file);
    let replace_disk_steps = [
        &disk_replaces.write,
        &disk_replaces.fsync_file,
        &disk_replaces.rename,
        &disk_replaces.fsync_dir,
    ]
    .map(|step| step.summary().p50);
    let replace_disk = row("replace + fsync, here (disk)", disk_replaces.whole);
    let replace_memory = memory.map(|memory| {
        row(
            "replace + fsync, here (tmpfs)",
            replaces(plan.fast, &memory.parent, file).whole,
        )
    });
    let serialize = row(
        &format!("serialize {PROFILES_FILE}, here"),
        serializations(plan.fast, file),
    );
    let noop_one = row(
        "no-op vault call (1 client)",
        noops(&disk.agent, &disk.ids, 1, plan.fast).await,
    );
    let noop_many = row(
        &format!("no-op vault call ({CONCURRENT} clients)"),
        noops(&disk.agent, &disk.ids, CONCURRENT, plan.fast_each).await,
    );
    let update_disk_one = row(
        "update on disk (1 writer)",
        updates(disk, 1, plan.writes).await,
    );
    let update_disk_many = row(
        &format!("update on disk ({CONCURRENT} writers)"),
        updates(disk, CONCURRENT, plan.writes_each).await,
    );
    let (update_memory_one, update_memory_many) = match memory {
        Some(memory) => {
            let one = row(
                "update on tmpfs (1 writer)",
                updates(memory, 1, plan.writes).await,
            );
            let many = row(
                &format!("update on tmpfs ({CONCURRENT} writers)"),
                updates(memory, CONCURRENT, plan.writes_each).await,
            );
            (Some(one), Some(many))
        }
        None => (None, None),
    };
    WriteFigures {
        replace_disk,
        replace_disk_steps,
        replace_memory,
        serialize,
        noop_one,
        noop_many,
        update_disk_one,
        update_disk_many,
        update_memory_one,
        update_memory_many,
    }
}

/// Where one write's time goes, from the medians, and what group commit could give.
fn print_breakdown(figures: &WriteFigures) {
    let micros = |summary: &Summary| bench::micros(summary.p50);
    let write = micros(&figures.update_disk_one);
    let part = |what: &str, value: f64, note: &str| {
        println!(
            "  {what:<50} {value:>7.0} µs {:>4.0}%{note}",
            100.0 * value / write
        );
    };
    println!();
    println!("where a write's time goes (1 writer, p50s; differences of medians are estimates)");
    part("update on disk", write, "");
    let noop = micros(&figures.noop_one);
    let serialize = micros(&figures.serialize);
    match (&figures.update_memory_one, &figures.replace_memory) {
        (Some(memory_one), Some(replace_memory)) => {
            let memory = micros(memory_one);
            let replace_memory = micros(replace_memory);
            let disk_here = micros(&figures.replace_disk) - replace_memory;
            part(
                "  the disk: update on disk - update on tmpfs",
                write - memory,
                &format!("  (here: replace on disk - on tmpfs = {disk_here:.0} µs)"),
            );
            part("  file replace on tmpfs (here)", replace_memory, "");
            part("  serializing the JSON (here)", serialize, "");
            part("  request and vault round trip (no-op call)", noop, "");
            part(
                "  keyring lookup and the rest: what tmpfs has left",
                memory - replace_memory - serialize - noop,
                "",
            );
        }
        _ => {
            part(
                "  durable replace of the file (here, disk)",
                micros(&figures.replace_disk),
                "",
            );
            part("  serializing the JSON (here)", serialize, "");
            part("  request and vault round trip (no-op call)", noop, "");
            println!("  (no tmpfs: the disk and the keyring lookup are not told apart)");
        }
    }
    let [write_step, fsync_file, rename, fsync_dir] = figures.replace_disk_steps.map(bench::micros);
    println!(
        "  replace on disk here, p50 by step: write {write_step:.0}, fsync {fsync_file:.0}, \
         rename {rename:.0}, fsync(dir) {fsync_dir:.0} µs"
    );

    let one = &figures.update_disk_one;
    let many = &figures.update_disk_many;
    println!();
    print!(
        "{CONCURRENT} writers: on disk {:.0} writes/s, {:.1}x one writer's",
        many.per_sec,
        many.per_sec / one.per_sec
    );
    match (&figures.update_memory_one, &figures.update_memory_many) {
        (Some(memory_one), Some(memory_many)) => println!(
            "; on tmpfs {:.0} writes/s, {:.1}x one writer's",
            memory_many.per_sec,
            memory_many.per_sec / memory_one.per_sec
        ),
        _ => println!(),
    }
    // Group commit: the vault drains its queued mutations and commits them with one
    // keyring lookup and one durable replace. In a closed loop of N writers, all N are
    // queued while a commit runs, so a commit carries about N of them.
    let shared = one.p50.saturating_sub(figures.noop_one.p50);
    let each = Duration::from_secs_f64(1.0 / figures.noop_many.per_sec.max(1.0));
    let batch = CONCURRENT as u32;
    let per_commit = shared + each * batch;
    println!(
        "group commit, model: {batch} mutations share one commit of {:.0} µs (a write less the no-op),",
        bench::micros(shared)
    );
    println!(
        "  plus {:.0} µs each (1 / no-op calls per s at {CONCURRENT} clients): about {:.0} writes/s,",
        bench::micros(each),
        f64::from(batch) / per_commit.as_secs_f64(),
    );
    println!(
        "  p50 near {:.0} µs at {CONCURRENT} writers; 1 writer gains nothing",
        bench::micros(per_commit)
    );
}

/// A durable replace, whole and step by step.
struct Replaces {
    whole: Samples,
    /// Creating the temp file and writing the bytes.
    write: Samples,
    fsync_file: Samples,
    /// Renaming over the old file, which frees the old file's blocks.
    rename: Samples,
    fsync_dir: Samples,
}

/// Replaces `profiles.json` in a fresh dir under `parent` as the vault's store does:
/// `bytes` to a temp file, fsync, rename over the file, fsync of the dir.
fn replaces(counts: Counts, parent: &Path, bytes: &[u8]) -> Replaces {
    let dir = tempfile::Builder::new()
        .prefix("llm-agent-bench-replace")
        .tempdir_in(parent)
        .expect("temp dir for the replace case");
    let target = dir.path().join(PROFILES_FILE);
    let mut steps = Replaces {
        whole: Samples::with_capacity(counts.timed),
        write: Samples::with_capacity(counts.timed),
        fsync_file: Samples::with_capacity(counts.timed),
        rename: Samples::with_capacity(counts.timed),
        fsync_dir: Samples::with_capacity(counts.timed),
    };
    for round in 0..counts.warmup + counts.timed {
        let mut step = Instant::now();
        let start = step;
        let mut timed = |samples: &mut Samples| {
            if round >= counts.warmup {
                samples.record_since(step);
            }
            step = Instant::now();
        };
        let mut temp = tempfile::Builder::new()
            .prefix(".profiles.json.")
            .suffix(".tmp")
            .tempfile_in(dir.path())
            .expect("temp file");
        temp.write_all(bytes).expect("write the temp file");
        timed(&mut steps.write);
        temp.as_file().sync_all().expect("fsync the temp file");
        timed(&mut steps.fsync_file);
        temp.persist(&target).expect("rename over profiles.json");
        timed(&mut steps.rename);
        File::open(dir.path())
            .and_then(|dir| dir.sync_all())
            .expect("fsync the dir");
        timed(&mut steps.fsync_dir);
        if round >= counts.warmup {
            steps.whole.record_since(start);
        }
    }
    steps
}

/// Serializes `profiles.json`'s content, pretty-printed as the store writes it. (The
/// vault serializes its own types rather than a `Value`; the cost is of the same size.)
fn serializations(counts: Counts, file: &[u8]) -> Samples {
    let value: serde_json::Value = serde_json::from_slice(file).expect("profiles.json is JSON");
    bench::time_blocking(counts, || {
        black_box(serde_json::to_vec_pretty(black_box(&value)).expect("serialize"));
    })
}

/// `writers` writers rename their own profile (writer `w` the vault's profile `w`) back
/// and forth.
async fn updates(vault: &Vault, writers: usize, counts: Counts) -> Samples {
    let ids = Arc::clone(&vault.ids);
    vault
        .agent
        .run_clients(writers, counts, move |client, writer, round| {
            let id = ids[writer].clone();
            let patch = profiles::rename(&format!("bench {writer:02} {}", ["a", "b"][round % 2]));
            async move {
                profiles::update(&client, &id, patch)
                    .await
                    .expect("profiles.update failed");
            }
        })
        .await
}

/// `clients` clients activate the profile that is already active.
async fn noops(agent: &BenchAgent, ids: &[String], clients: usize, counts: Counts) -> Samples {
    let active = ids[0].clone();
    agent
        .run_clients(clients, counts, move |client, _, _| {
            let params = IdParams { id: active.clone() };
            async move {
                let result = client
                    .call::<Activate>(params)
                    .await
                    .expect("profiles.activate failed");
                assert!(!result.changed, "the no-op call changed the active profile");
            }
        })
        .await
}

/// Under the current placement, 1 client each: the raw ping-pong, raw round trips that
/// move what a `profiles.list` moves, the list as bare frames, and the list through the
/// client library.
fn run_reads(
    plan: &Plan,
    runtime: &tokio::runtime::Runtime,
    echo: &EchoServer,
    agent: &BenchAgent,
    frames: &ListFrames,
) {
    let table = Table::start(CASE_WIDTH);
    let raw = echo.ping_pong(1, plan.ping_pongs).summary();
    table.row(&format!("raw ping-pong, {PING_LEN} B each way"), &raw);
    let raw_list = echo
        .round_trips(
            1,
            plan.ping_pongs,
            frames.request.len(),
            frames.response_len,
        )
        .summary();
    table.row(
        &format!(
            "raw, {} B out and {} B back",
            frames.request.len(),
            frames.response_len
        ),
        &raw_list,
    );
    let bare = BareConnection::open(agent)
        .time(plan.fast, &frames.request)
        .summary();
    table.row(&format!("profiles.list, {PROFILES}, bare frames"), &bare);
    // The same in German: its texts rendered again once per change of the vault, then
    // kept like English's; and with the accessible summaries, in German.
    let german = BareConnection::open_in(agent, &["de"])
        .time(plan.fast, &frames.request)
        .summary();
    table.row(
        &format!("profiles.list, {PROFILES}, bare frames, de"),
        &german,
    );
    let mut with_summaries = BareConnection::open_in(agent, &["de"]);
    let summaries_request = BareConnection::request_frame::<List>(ListParams {
        accessible_summaries: true,
        ..ListParams::default()
    });
    let summaries_len = with_summaries.round_trip(&summaries_request);
    let summaries = with_summaries.time(plan.fast, &summaries_request).summary();
    table.row(
        &format!("profiles.list, {PROFILES}, bare, de, summaries ({summaries_len} B)"),
        &summaries,
    );
    let list = runtime
        .block_on(agent.run_clients(1, plan.fast, |client, _, _| async move {
            let list = client
                .call::<List>(ListParams::default())
                .await
                .expect("profiles.list failed");
            assert_eq!(list.profiles.len(), PROFILES);
        }))
        .summary();
    table.row(&format!("profiles.list, {PROFILES}, client"), &list);
    let ratio = |what: &str, numerator: &Summary, denominator: &Summary, goal: &str| {
        let at = |at: fn(&Summary) -> Duration| {
            at(numerator).as_secs_f64() / at(denominator).as_secs_f64()
        };
        println!(
            "ratio {what:<44} {:>4.1}x at p50, {:>4.1}x at p99{goal}",
            at(|summary| summary.p50),
            at(|summary| summary.p99)
        );
    };
    ratio(
        "bare frames / raw moving the same bytes",
        &bare,
        &raw_list,
        "  (goal <= 2.5 at p50)",
    );
    ratio("client / raw moving the same bytes", &list, &raw_list, "");
    ratio("bare frames de / bare frames en", &german, &bare, "");
    ratio(
        "bare, de, with summaries / bare frames en",
        &summaries,
        &bare,
        "",
    );
    ratio(
        &format!("client / raw {PING_LEN} B ping-pong"),
        &list,
        &raw,
        "  (goal <= 5 at p50)",
    );
}

/// The size of a `profiles.list` answer's result, MessagePack-encoded as on the wire.
async fn list_response_len(agent: &BenchAgent) -> usize {
    let list = agent
        .client()
        .await
        .call::<List>(ListParams::default())
        .await
        .expect("profiles.list failed");
    envelope::encode(&list).expect("encode the list").len()
}
