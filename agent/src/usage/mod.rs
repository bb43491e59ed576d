//! Spending: what model calls cost, as durable running totals per profile, per role and
//! per day (UTC), and the learner's daily caps, in `<data dir>/usage.json`.
//!
//! - [`ledger`]: the totals, caps and alerts, as pure rules;
//! - [`error`]: why a usage request failed or a call was refused, and its wire error.
//!
//! [`UsageBook`] holds the ledger behind a mutex (an update takes microseconds, so no
//! actor hop), and writes it behind: every change marks it dirty and one save at a time
//! writes the latest state (temp file, fsync, rename), so a burst of calls costs a save
//! or two, and a crash loses at most the calls of the save in flight. A cap change waits
//! for a save that holds it before it is answered, and one that cannot be saved is
//! undone: a failed answer means the old cap still applies. Alerts (80% of a cap, the cap
//! reached) go to the `usage` topic and to diagnostics once each per profile and day.
//! The book follows the vault: a deleted profile's cap is dropped (its totals stay), so
//! it lingers neither in every summary nor in the file.

pub mod error;
pub mod ledger;

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use llm_agent_protocol::events::DiagnosticsKind;
use llm_agent_protocol::methods::usage::{
    AlertLevel, MAX_DAILY_CAP_USD, MAX_SUMMARY_DAYS, ProfileUsage, SpendingAlert, UsageSummary,
    UsageTotals,
};
use tokio::sync::{broadcast, watch};

use crate::diagnostics::{self, DiagnosticsHandle};
use crate::json_file::{JsonFile, Loaded};
use crate::timestamp;
use crate::vault::VaultSnapshot;
use error::UsageError;
use ledger::{Ledger, Spend};

/// The file's name in the data dir, and its schema version.
const FILE_NAME: &str = "usage.json";
const SCHEMA: u32 = 1;
/// Alerts buffered for slow `usage` subscribers before they lag.
const ALERT_BUFFER: usize = 64;
/// How long a cap change waits for its save.
const SAVE_TIMEOUT: Duration = Duration::from_secs(10);

/// The spending totals every call adds to; cheap to clone.
#[derive(Clone)]
pub struct UsageBook {
    inner: Arc<Inner>,
}

struct Inner {
    file: JsonFile,
    /// Why the file on disk is not written over (it could not be trusted), if so.
    read_only: Option<String>,
    state: Mutex<State>,
    /// Held by a cap change from its change to its answer, so an undone change puts back
    /// what no other cap change has touched since.
    cap_change: tokio::sync::Mutex<()>,
    /// Whether a save task is running.
    saving: AtomicBool,
    /// The generation last written, or why the last save failed.
    saved: watch::Sender<Saved>,
    alerts: broadcast::Sender<SpendingAlert>,
    diagnostics: DiagnosticsHandle,
    /// The vault's profiles, whose caps are kept.
    profiles: watch::Receiver<Arc<VaultSnapshot>>,
}

struct State {
    ledger: Ledger,
    /// Bumped by every change.
    generation: u64,
}

#[derive(Clone, Debug)]
struct Saved {
    generation: u64,
    /// The last failed save: the generation it tried to write, and why it failed.
    failure: Option<(u64, String)>,
}

impl Saved {
    /// Whether the saves so far have settled `generation`: written it, or failed to.
    /// A failure of a save that began before it says nothing about it.
    fn settled(&self, generation: u64) -> bool {
        self.generation >= generation
            || self
                .failure
                .as_ref()
                .is_some_and(|(tried, _)| *tried >= generation)
    }
}

impl UsageBook {
    /// Opens the book of `data_dir`. A file this build cannot trust (not JSON, another
    /// shape, a newer schema) is kept untouched: totals then start empty, are not
    /// written, and cap changes are refused, with the reason in the log. `profiles`
    /// follows the vault, so deleted profiles' caps are dropped.
    pub fn open(
        data_dir: &Path,
        diagnostics: DiagnosticsHandle,
        profiles: watch::Receiver<Arc<VaultSnapshot>>,
    ) -> Self {
        let file = JsonFile::new(data_dir, FILE_NAME, SCHEMA);
        let (ledger, read_only) = match file.load::<Ledger>() {
            Ok(Loaded::Missing) => (Ledger::default(), None),
            Ok(Loaded::Parsed { data, .. }) => (data, None),
            Ok(Loaded::Newer { schema, .. }) => (
                Ledger::default(),
                Some(format!(
                    "{FILE_NAME} was written by a newer agent (schema {schema})"
                )),
            ),
            Ok(Loaded::NotJson(why) | Loaded::BadShape(why)) => (
                Ledger::default(),
                Some(format!("{FILE_NAME} cannot be read: {why}")),
            ),
            Err(err) => (
                Ledger::default(),
                Some(format!("{FILE_NAME} cannot be read: {err}")),
            ),
        };
        if let Some(why) = &read_only {
            tracing::error!(reason = %why, "spending totals start empty and are not saved");
        }
        let (saved, _) = watch::channel(Saved {
            generation: 0,
            failure: None,
        });
        UsageBook {
            inner: Arc::new(Inner {
                file,
                read_only,
                state: Mutex::new(State {
                    ledger,
                    generation: 0,
                }),
                cap_change: tokio::sync::Mutex::new(()),
                saving: AtomicBool::new(false),
                saved,
                alerts: broadcast::channel(ALERT_BUFFER).0,
                diagnostics,
                profiles,
            }),
        }
    }

    /// Refuses a call to a profile whose cap is reached today.
    pub fn check_cap(&self, profile_id: &str) -> Result<(), UsageError> {
        let day = timestamp::today();
        self.inner
            .state()
            .ledger
            .check_cap(&day, profile_id)
            .map_err(|reached| UsageError::CapReached {
                profile_id: profile_id.to_owned(),
                day,
                daily_cap_usd: reached.daily_cap_usd,
                spent_usd: reached.spent_usd,
            })
    }

    /// Adds a finished call's cost to today's totals.
    pub fn record(&self, spend: &Spend<'_>) {
        let day = timestamp::today();
        let alert = {
            let mut state = self.inner.state();
            state.generation += 1;
            state.ledger.add(&day, spend)
        };
        self.inner.announce(alert);
        Inner::save_behind(&self.inner);
    }

    /// The totals of `from..=to` (default: today alone).
    pub fn summary(
        &self,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<UsageSummary, UsageError> {
        let today = timestamp::today();
        let to_day = match to {
            Some(to) => timestamp::parse_day(to).ok_or(UsageError::BadDay { field: "to" })?,
            None => timestamp::parse_day(&today).ok_or(UsageError::BadDay { field: "to" })?,
        };
        let from_day = match from {
            Some(from) => timestamp::parse_day(from).ok_or(UsageError::BadDay { field: "from" })?,
            None => to_day,
        };
        if from_day > to_day {
            return Err(UsageError::RangeReversed);
        }
        if (to_day - from_day).whole_days() >= i64::from(MAX_SUMMARY_DAYS) {
            return Err(UsageError::RangeTooLong);
        }
        let (from, to) = (timestamp::day(from_day), timestamp::day(to_day));
        let (summary, forgot) = {
            let mut state = self.inner.state();
            let forgot = self.inner.forget_deleted_caps(&mut state);
            (state.ledger.summary(&from, &to, &today), forgot)
        };
        if forgot {
            Inner::save_behind(&self.inner);
        }
        Ok(summary)
    }

    /// Sets or removes a profile's daily cap, once it is on disk.
    pub async fn set_cap(
        &self,
        profile_id: &str,
        cap: Option<f64>,
    ) -> Result<ProfileUsage, UsageError> {
        if let Some(cap) = cap
            && !(cap.is_finite() && cap > 0.0 && cap <= MAX_DAILY_CAP_USD)
        {
            return Err(UsageError::CapOutOfRange);
        }
        if let Some(why) = &self.inner.read_only {
            return Err(UsageError::StorageFailed {
                reason: why.clone(),
            });
        }
        let _one_at_a_time = self.inner.cap_change.lock().await;
        let day = timestamp::today();
        let (generation, before, alert, usage) = {
            let mut state = self.inner.state();
            state.generation += 1;
            let before = state.ledger.cap_setting(&day, profile_id);
            let alert = state.ledger.set_cap(&day, profile_id, cap);
            let today = state
                .ledger
                .days
                .get(&day)
                .and_then(|d| d.profiles.get(profile_id))
                .cloned()
                .unwrap_or_else(UsageTotals::default);
            let usage = state.ledger.profile_usage(profile_id, today, &day);
            (state.generation, before, alert, usage)
        };
        let mut saved = self.inner.saved.subscribe();
        Inner::save_behind(&self.inner);
        let written = tokio::time::timeout(
            SAVE_TIMEOUT,
            saved.wait_for(|saved| saved.settled(generation)),
        )
        .await;
        let failure = match written {
            Ok(Ok(saved)) if saved.generation >= generation => None,
            Ok(Ok(saved)) => Some(
                saved
                    .failure
                    .as_ref()
                    .map_or_else(|| "the save failed".to_owned(), |(_, why)| why.clone()),
            ),
            Ok(Err(_)) => Some("the save was abandoned".to_owned()),
            Err(_) => Some("the disk did not answer in time".to_owned()),
        };
        if let Some(reason) = failure {
            // Undone, so the answer is the truth: the old cap applies, and the alert the
            // new one would have raised can still be raised.
            {
                let mut state = self.inner.state();
                state.generation += 1;
                state.ledger.restore_cap(&day, profile_id, before);
            }
            Inner::save_behind(&self.inner);
            return Err(UsageError::StorageFailed { reason });
        }
        self.inner.announce(alert);
        Ok(usage)
    }

    /// A receiver of every cap alert from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<SpendingAlert> {
        self.inner.alerts.subscribe()
    }

    /// Waits until everything recorded so far is on disk (at shutdown), at most
    /// `timeout`.
    pub async fn flush(&self, timeout: Duration) {
        let generation = self.inner.state().generation;
        let mut saved = self.inner.saved.subscribe();
        Inner::save_behind(&self.inner);
        let _ =
            tokio::time::timeout(timeout, saved.wait_for(|saved| saved.settled(generation))).await;
    }
}

impl Inner {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Drops the caps of profiles the vault no longer has; whether any was dropped. A
    /// vault that cannot read its file shows no profiles, and is not taken at its word.
    fn forget_deleted_caps(&self, state: &mut State) -> bool {
        let vault = self.profiles.borrow();
        if !vault.store.writable {
            return false;
        }
        let forgot = state
            .ledger
            .forget_caps_unless(|id| vault.profiles.iter().any(|p| p.id == id));
        if forgot {
            state.generation += 1;
        }
        forgot
    }

    /// Sends a new alert to subscribers and records it in diagnostics.
    fn announce(&self, alert: Option<SpendingAlert>) {
        let Some(alert) = alert else { return };
        let result = match alert.level {
            AlertLevel::Reached => "REACHED",
            _ => "WARNING",
        };
        tracing::info!(profile_id = %alert.profile_id, level = alert.level.as_str(), "spending cap alert");
        self.diagnostics
            .record(llm_agent_protocol::events::DiagnosticsEvent {
                profile_id: Some(alert.profile_id.clone()),
                ..diagnostics::event(DiagnosticsKind::SpendingCap, result)
            });
        // Nobody subscribed is fine.
        let _ = self.alerts.send(alert);
    }

    /// Starts a save of the latest state unless one runs; the running one saves again
    /// when it finds more changes after it.
    fn save_behind(inner: &Arc<Inner>) {
        if inner.read_only.is_some() || inner.saving.swap(true, Ordering::AcqRel) {
            return;
        }
        let inner = inner.clone();
        tokio::spawn(async move {
            loop {
                let (generation, ledger) = {
                    let mut state = inner.state();
                    inner.forget_deleted_caps(&mut state);
                    (state.generation, state.ledger.clone())
                };
                let file = inner.file.clone();
                let written = tokio::task::spawn_blocking(move || file.save(&ledger)).await;
                let failure = match written {
                    Ok(Ok(())) => None,
                    Ok(Err(err)) => Some(err.to_string()),
                    Err(_) => Some("the save task failed".to_owned()),
                };
                if let Some(why) = &failure {
                    tracing::error!(error = %why, "cannot save the spending totals");
                }
                inner.saved.send_modify(|saved| {
                    if failure.is_none() {
                        saved.generation = saved.generation.max(generation);
                    }
                    if let Some(why) = &failure {
                        saved.failure = Some((generation, why.clone()));
                    }
                });
                inner.saving.store(false, Ordering::Release);
                // More changes came meanwhile: save again (after a failure too, since a
                // cap change among them waits to hear how its own save went), unless a
                // new save started.
                let changed = inner.state().generation != generation;
                if !changed || inner.saving.swap(true, Ordering::AcqRel) {
                    return;
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use llm_agent_protocol::methods::catalog::EstimatedCost;
    use llm_agent_protocol::methods::profiles::RedactedProfile;

    use super::*;
    use crate::diagnostics::journal::Journal;
    use crate::vault::profile::testing::redacted;

    const PROFILE_ID: &str = "6f1c1a57-3b0e-4c8e-9d51-6a1d2c3b4a59";

    /// A vault of the profiles `ids`.
    fn vault(ids: &[&str]) -> VaultSnapshot {
        VaultSnapshot::for_tests(
            ids.iter()
                .map(|id| RedactedProfile {
                    id: (*id).to_owned(),
                    ..redacted("ollama", "http://127.0.0.1:11434")
                })
                .collect(),
        )
    }

    /// The book of `dir`, in a vault of `PROFILE_ID`.
    fn book(dir: &Path) -> (UsageBook, Journal) {
        book_in(dir, watch::channel(Arc::new(vault(&[PROFILE_ID]))).1)
    }

    fn book_in(dir: &Path, profiles: watch::Receiver<Arc<VaultSnapshot>>) -> (UsageBook, Journal) {
        let journal = Journal::start(&dir.join("diagnostics"), 1 << 20, 2).unwrap();
        let diagnostics = DiagnosticsHandle::new(journal.sender());
        (UsageBook::open(dir, diagnostics, profiles), journal)
    }

    #[tokio::test]
    async fn totals_and_caps_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let (usage, _journal) = book(dir.path());
        let id = PROFILE_ID;
        let mut alerts = usage.subscribe();
        usage.set_cap(id, Some(0.001)).await.unwrap();
        let cost = EstimatedCost {
            amount_usd: Some(0.001),
            source: "catalog".into(),
            as_of: None,
        };
        usage.record(&Spend {
            profile_id: id,
            role: Some("tutor"),
            cost: &cost,
            input_tokens: 3,
            output_tokens: 4,
        });
        assert_eq!(alerts.recv().await.unwrap().level, AlertLevel::Reached);
        assert!(matches!(
            usage.check_cap(id),
            Err(UsageError::CapReached { .. })
        ));
        usage.flush(Duration::from_secs(5)).await;
        let (reopened, _journal) = book(dir.path());
        let summary = reopened.summary(None, None).unwrap();
        assert_eq!(summary.total.calls, 1);
        assert_eq!(summary.by_role[0].role, "tutor");
        assert_eq!(summary.by_profile[0].daily_cap_usd, Some(0.001));
        assert!(reopened.check_cap(id).is_err());
    }

    #[tokio::test]
    async fn bad_ranges_and_caps_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (usage, _journal) = book(dir.path());
        assert!(matches!(
            usage.summary(Some("2026-02-01"), Some("2026-01-01")),
            Err(UsageError::RangeReversed)
        ));
        assert!(matches!(
            usage.summary(Some("2024-01-01"), Some("2026-01-01")),
            Err(UsageError::RangeTooLong)
        ));
        assert!(matches!(
            usage.summary(Some("yesterday"), None),
            Err(UsageError::BadDay { field: "from" })
        ));
        for bad in [0.0, -1.0, f64::NAN, MAX_DAILY_CAP_USD + 1.0] {
            assert!(matches!(
                usage.set_cap("x", Some(bad)).await,
                Err(UsageError::CapOutOfRange)
            ));
        }
    }

    #[tokio::test]
    async fn a_cap_change_that_cannot_be_saved_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (usage, _journal) = book(dir.path());
        let id = PROFILE_ID;
        let mut alerts = usage.subscribe();
        usage.set_cap(id, Some(5.0)).await.unwrap();
        let cost = EstimatedCost {
            amount_usd: Some(0.9),
            source: "catalog".into(),
            as_of: None,
        };
        usage.record(&Spend {
            profile_id: id,
            role: None,
            cost: &cost,
            input_tokens: 1,
            output_tokens: 1,
        });
        usage.flush(Duration::from_secs(5)).await;
        // A directory where usage.json goes makes every save fail.
        let blocked = dir.path().join(FILE_NAME);
        std::fs::remove_file(&blocked).unwrap();
        std::fs::create_dir(&blocked).unwrap();
        assert!(matches!(
            usage.set_cap(id, Some(1.0)).await,
            Err(UsageError::StorageFailed { .. })
        ));
        let cap_now =
            |usage: &UsageBook| usage.summary(None, None).unwrap().by_profile[0].daily_cap_usd;
        assert_eq!(cap_now(&usage), Some(5.0), "the failed change was undone");
        assert!(
            alerts.try_recv().is_err(),
            "a failed change raises no alert"
        );
        // Once the disk is back, the next change is answered by its own save, not the
        // last one's failure, and raises the alert the failed one would have.
        std::fs::remove_dir(&blocked).unwrap();
        let saved = usage.set_cap(id, Some(1.0)).await.unwrap();
        assert_eq!(saved.daily_cap_usd, Some(1.0));
        assert_eq!(alerts.recv().await.unwrap().level, AlertLevel::Warning);
        let (reopened, _journal) = book(dir.path());
        assert_eq!(cap_now(&reopened), Some(1.0));
    }

    #[tokio::test]
    async fn a_deleted_profile_loses_its_cap_and_keeps_its_totals() {
        let dir = tempfile::tempdir().unwrap();
        let other = "0b8d2f3e-5a41-4c1e-8f6d-2c7b9e1a4d30";
        let (vault_now, profiles) = watch::channel(Arc::new(vault(&[PROFILE_ID, other])));
        let (usage, _journal) = book_in(dir.path(), profiles.clone());
        usage.set_cap(PROFILE_ID, Some(2.0)).await.unwrap();
        usage.set_cap(other, Some(3.0)).await.unwrap();
        let cost = EstimatedCost {
            amount_usd: Some(0.5),
            source: "catalog".into(),
            as_of: None,
        };
        usage.record(&Spend {
            profile_id: PROFILE_ID,
            role: None,
            cost: &cost,
            input_tokens: 1,
            output_tokens: 1,
        });
        vault_now.send_replace(Arc::new(vault(&[other])));
        let summary = usage.summary(None, None).unwrap();
        let lines: Vec<_> = summary
            .by_profile
            .iter()
            .map(|p| (p.profile_id.as_str(), p.daily_cap_usd))
            .collect();
        assert_eq!(lines, [(other, Some(3.0)), (PROFILE_ID, None)]);
        assert_eq!(summary.total.cost_usd, 0.5, "what was spent stays spent");
        usage.flush(Duration::from_secs(5)).await;
        let (reopened, _journal) = book_in(dir.path(), profiles);
        let caps: Vec<_> = reopened
            .summary(None, None)
            .unwrap()
            .by_profile
            .into_iter()
            .filter_map(|p| p.daily_cap_usd.map(|cap| (p.profile_id, cap)))
            .collect();
        assert_eq!(caps, [(other.to_owned(), 3.0)]);
    }
}
