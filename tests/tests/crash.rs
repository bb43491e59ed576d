//! Durability under kill -9: a client makes random profile writes (creates with and
//! without a key, renames, key replacements, activations, deletes with and without a
//! successor) while the agent is killed at a random instant, again and again. After every
//! restart:
//!
//! - the profiles are exactly what the acknowledged writes made, or that plus the one
//!   write that was in flight when the agent died (never a mix, never anything else);
//! - exactly one profile is active whenever any exists, and none when none does;
//! - every stored key decrypts: a prompt test of each keyed profile reaches a scripted
//!   server with that profile's key.
//!
//! 50 rounds by default; `LLM_AGENT_CRASH_ROUNDS` sets more, `LLM_AGENT_CRASH_SEED` another
//! sequence.

// Unix only: the agent is killed with SIGKILL.
#![cfg(unix)]

use std::collections::BTreeMap;
use std::time::Duration;

use llm_agent_client::{CallOptions, Client, ClientError};
use llm_agent_protocol::methods::profiles::{
    Activate, Create, CreateParams, Delete, DeleteParams, IdParams, List, ListParams, Test,
    TestParams,
};
use llm_agent_tests::TestAgent;
use llm_agent_tests::dialects::openai;
use llm_agent_tests::http_fixture::HttpFixture;
use llm_agent_tests::keyring::KeyringSession;
use llm_agent_tests::profiles::{local, rename, replace_key, update};

const DEFAULT_ROUNDS: u32 = 50;
const DEFAULT_SEED: u64 = 0x9e37_79b9_7f4a_7c15;
/// The vault is kept between these sizes, so every kind of write keeps happening.
const FEW: usize = 2;
const MANY: usize = 8;
/// The model the keyed profiles name.
const MODEL: &str = "gpt-4o-mini";

/// A small deterministic generator: the same writes and kill instants for a seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, ids: &[&'a String]) -> &'a String {
        ids[self.below(ids.len())]
    }
}

/// A profile as the writes made it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    name: String,
    key: Option<String>,
}

/// The vault as the writes made it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Vault {
    profiles: BTreeMap<String, Entry>,
    active: Option<String>,
}

/// One write.
#[derive(Debug, Clone)]
enum Write {
    Create {
        name: String,
        key: Option<String>,
    },
    Rename {
        id: String,
        name: String,
    },
    ReplaceKey {
        id: String,
        key: String,
    },
    Activate {
        id: String,
    },
    Delete {
        id: String,
        successor: Option<String>,
    },
}

impl Write {
    /// The kind of write, for the figures.
    fn kind(&self) -> &'static str {
        match self {
            Write::Create { key: None, .. } => "create",
            Write::Create { key: Some(_), .. } => "create with key",
            Write::Rename { .. } => "rename",
            Write::ReplaceKey { .. } => "key replacement",
            Write::Activate { .. } => "activation",
            Write::Delete {
                successor: None, ..
            } => "delete",
            Write::Delete {
                successor: Some(_), ..
            } => "delete with successor",
        }
    }
}

/// Writes counted by kind.
type Tally = BTreeMap<&'static str, usize>;

/// What a list shows of a profile: its name and its key's hint.
type Shown = BTreeMap<String, (String, Option<String>)>;

/// The hint the agent shows for `key`: its last 4 characters.
fn hint_of(key: &str) -> String {
    format!("...{}", &key[key.len() - 4..])
}

impl Vault {
    /// The vault after `write`; a create's profile gets the id `created`.
    fn after(&self, write: &Write, created: &str) -> Vault {
        let mut next = self.clone();
        match write {
            Write::Create { name, key } => {
                next.profiles.insert(
                    created.to_owned(),
                    Entry {
                        name: name.clone(),
                        key: key.clone(),
                    },
                );
                next.active.get_or_insert_with(|| created.to_owned());
            }
            Write::Rename { id, name } => {
                if let Some(entry) = next.profiles.get_mut(id) {
                    entry.name = name.clone();
                }
            }
            Write::ReplaceKey { id, key } => {
                if let Some(entry) = next.profiles.get_mut(id) {
                    entry.key = Some(key.clone());
                }
            }
            Write::Activate { id } => next.active = Some(id.clone()),
            Write::Delete { id, successor } => {
                next.profiles.remove(id);
                if next.active.as_deref() == Some(id.as_str()) {
                    next.active = successor.clone();
                }
            }
        }
        next
    }

    fn shown(&self) -> (Shown, Option<String>) {
        let shown = self
            .profiles
            .iter()
            .map(|(id, entry)| {
                let hint = entry.key.as_deref().map(hint_of);
                (id.clone(), (entry.name.clone(), hint))
            })
            .collect();
        (shown, self.active.clone())
    }
}

/// The writer's names and keys: each one new, and each key's last 4 characters too.
struct Names {
    next: u64,
}

impl Names {
    fn name(&mut self) -> String {
        self.next += 1;
        format!("p{}", self.next)
    }

    fn key(&mut self) -> String {
        self.next += 1;
        format!("sk-crash-{:08x}", self.next)
    }
}

/// The next write, chosen from the vault as it is.
fn choose(vault: &Vault, rng: &mut Rng, names: &mut Names) -> Write {
    let ids: Vec<&String> = vault.profiles.keys().collect();
    let keyed: Vec<&String> = vault
        .profiles
        .iter()
        .filter(|(_, entry)| entry.key.is_some())
        .map(|(id, _)| id)
        .collect();
    let roll = rng.below(100);
    if ids.len() < FEW || (ids.len() < MANY && roll < 25) {
        let key = rng.below(2).eq(&0).then(|| names.key());
        return Write::Create {
            name: names.name(),
            key,
        };
    }
    match roll {
        _ if ids.len() >= MANY && roll < 40 => delete(vault, &ids, rng),
        25..45 => Write::Rename {
            id: rng.pick(&ids).clone(),
            name: names.name(),
        },
        45..65 if !keyed.is_empty() => Write::ReplaceKey {
            id: rng.pick(&keyed).clone(),
            key: names.key(),
        },
        65..85 => Write::Activate {
            id: rng.pick(&ids).clone(),
        },
        _ => delete(vault, &ids, rng),
    }
}

/// A delete of a random profile; the active one, while others exist, with a successor.
fn delete(vault: &Vault, ids: &[&String], rng: &mut Rng) -> Write {
    let id = rng.pick(ids).clone();
    let others: Vec<&String> = ids.iter().copied().filter(|other| **other != id).collect();
    let successor = (vault.active.as_deref() == Some(id.as_str()) && !others.is_empty())
        .then(|| rng.pick(&others).clone());
    Write::Delete { id, successor }
}

/// Sends `write`; `Ok` with the new profile's id for a create.
async fn send(client: &Client, write: &Write, endpoint: &str) -> Result<String, ClientError> {
    match write {
        Write::Create { name, key } => {
            let params = match key {
                Some(key) => CreateParams {
                    name: name.clone(),
                    provider: "openai".into(),
                    endpoint: endpoint.to_owned(),
                    model: MODEL.into(),
                    api_key: Some(key.as_str().into()),
                    ..Default::default()
                },
                None => local(name),
            };
            Ok(client.call::<Create>(params).await?.profile.id)
        }
        Write::Rename { id, name } => update(client, id, rename(name)).await.map(|_| id.clone()),
        Write::ReplaceKey { id, key } => update(client, id, replace_key(key))
            .await
            .map(|_| id.clone()),
        Write::Activate { id } => client
            .call::<Activate>(IdParams { id: id.clone() })
            .await
            .map(|_| id.clone()),
        Write::Delete { id, successor } => client
            .call::<Delete>(DeleteParams {
                id: id.clone(),
                successor_id: successor.clone(),
            })
            .await
            .map(|_| id.clone()),
    }
}

/// What one round's writer left: the vault its acknowledged writes made, how many it
/// made, and the write in flight when the agent died.
struct Round {
    vault: Vault,
    acknowledged: Tally,
    in_flight: Option<Write>,
}

/// Makes random writes until the agent dies.
async fn write_until_killed(
    client: Client,
    mut vault: Vault,
    mut rng: Rng,
    mut names: Names,
    endpoint: String,
) -> (Round, Names) {
    let mut acknowledged = Tally::new();
    loop {
        let write = choose(&vault, &mut rng, &mut names);
        match send(&client, &write, &endpoint).await {
            Ok(id) => {
                vault = vault.after(&write, &id);
                *acknowledged.entry(write.kind()).or_default() += 1;
            }
            Err(err) => {
                // Only the agent's death may stop a write: a refusal is a bug.
                assert!(err.wire_error().is_none(), "{write:?} refused: {err:?}");
                let round = Round {
                    vault,
                    acknowledged,
                    in_flight: Some(write),
                };
                return (round, names);
            }
        }
    }
}

/// The vault as the restarted agent lists it, checked for one active profile whenever
/// any exists.
async fn listed(client: &Client, round: u32) -> (Shown, Option<String>) {
    let list = client
        .call::<List>(ListParams::default())
        .await
        .unwrap_or_else(|e| panic!("round {round}: list failed: {e:?}"));
    assert!(
        list.store.writable,
        "round {round}: the file no longer loads: {:?}",
        list.store.problem
    );
    let active: Vec<&str> = list
        .profiles
        .iter()
        .filter(|p| p.active)
        .map(|p| p.id.as_str())
        .collect();
    match &list.active_id {
        Some(id) => assert_eq!(active, [id.as_str()], "round {round}: one active"),
        None => assert!(
            list.profiles.is_empty() && active.is_empty(),
            "round {round}: profiles but none active"
        ),
    }
    let shown = list
        .profiles
        .into_iter()
        .map(|p| (p.id, (p.name, p.api_key_hint)))
        .collect();
    (shown, list.active_id)
}

/// A number from the environment, if it is set and reads as one.
fn from_env<T: std::str::FromStr>(name: &str) -> Option<T> {
    std::env::var(name).ok()?.parse().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_kill_9_at_any_instant() {
    let rounds: u32 = from_env("LLM_AGENT_CRASH_ROUNDS").unwrap_or(DEFAULT_ROUNDS);
    let seed: u64 = from_env("LLM_AGENT_CRASH_SEED").unwrap_or(DEFAULT_SEED);
    let keyring = KeyringSession::start();
    let mut agent = TestAgent::with_keyring(&keyring);
    let fixture = HttpFixture::start(|_| openai::stream(MODEL, &["ok"], Some((1, 1)))).await;
    let endpoint = format!("{}/v1", fixture.url());

    let mut vault = Vault::default();
    let mut rng = Rng(seed);
    let mut names = Names { next: 0 };
    let (mut acknowledged, mut in_flight, mut landed) = (Tally::new(), Tally::new(), Tally::new());
    let mut keys_checked = 0;
    for round in 0..rounds {
        let kill_after = Duration::from_micros(1_000 + rng.next() % 80_000);
        let writer = tokio::spawn(write_until_killed(
            agent.client().await,
            vault.clone(),
            Rng(rng.next() | 1),
            names,
            endpoint.clone(),
        ));
        tokio::time::sleep(kill_after).await;
        agent.kill9();
        let (outcome, writer_names) = writer.await.expect("the writer panicked");
        names = writer_names;
        for (kind, count) in &outcome.acknowledged {
            *acknowledged.entry(kind).or_default() += count;
        }
        if let Some(write) = &outcome.in_flight {
            *in_flight.entry(write.kind()).or_default() += 1;
        }

        agent.restart();
        let client = agent.client().await;
        let (shown, active) = listed(&client, round).await;
        let acked = outcome.vault;
        let if_landed = outcome.in_flight.as_ref().map(|write| {
            // A create that landed has the one id the acknowledged writes do not explain.
            let created = shown
                .keys()
                .find(|id| !acked.profiles.contains_key(*id))
                .cloned()
                .unwrap_or_default();
            acked.after(write, &created)
        });
        vault = if (shown.clone(), active.clone()) == acked.shown() {
            acked
        } else if let Some(after) =
            if_landed.filter(|after| (shown.clone(), active.clone()) == after.shown())
        {
            if let Some(write) = &outcome.in_flight {
                *landed.entry(write.kind()).or_default() += 1;
            }
            after
        } else {
            panic!(
                "round {round}: after kill -9 the vault is neither what the acknowledged \
                 writes made nor that plus {:?}:\n listed {shown:?} active {active:?}\n \
                 expected {:?}",
                outcome.in_flight,
                acked.shown()
            );
        };

        for (id, entry) in &vault.profiles {
            let Some(key) = &entry.key else { continue };
            let outcome = client
                .call_with::<Test>(
                    TestParams {
                        id: id.clone(),
                        prompt: None,
                        timeout_ms: None,
                    },
                    CallOptions::default().timeout(Duration::from_secs(40)),
                )
                .await
                .unwrap_or_else(|e| panic!("round {round}: test of {id} failed: {e:?}"))
                .result;
            assert!(outcome.success, "round {round}: {outcome:?}");
            let sent = fixture
                .requests()
                .pop()
                .expect("the test reached the server");
            assert_eq!(
                sent.header("authorization"),
                Some(&*format!("Bearer {key}")),
                "round {round}: the key of {id} did not decrypt to what was stored"
            );
            keys_checked += 1;
        }
    }
    let total = |tally: &Tally| tally.values().sum::<usize>();
    eprintln!(
        "{rounds} kill -9 rounds (seed {seed:#x}): {} acknowledged writes, all present after \
         every restart {acknowledged:?}; {} writes in flight at the kill {in_flight:?}, of \
         which {} landed whole {landed:?} and the rest not at all; {keys_checked} stored \
         keys decrypted",
        total(&acknowledged),
        total(&in_flight),
        total(&landed),
    );
}
