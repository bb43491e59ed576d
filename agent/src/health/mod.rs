//! Each profile's health: the outcomes of its last [`MAX_HEALTH_OUTCOMES`] prompt tests
//! and model calls, without any text (time, success, code, latency, first-token time),
//! kept in `health.json` ([`store`]).
//!
//! [`HealthBook::record`] takes an outcome record, whatever produced it, so prompt tests
//! and model calls share one history. It never waits: the history is updated in memory,
//! the summaries `profiles.list` shows are replaced whole (reads never lock), and the
//! file is written in the background, one write at a time, the latest state each time;
//! histories of deleted profiles are dropped as it is written.

pub mod store;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use llm_agent_protocol::ErrorCode;
use llm_agent_protocol::health::{HealthOutcome, HealthSummary, MAX_HEALTH_OUTCOMES, OutcomeKind};
use tokio::sync::watch;
use uuid::Uuid;

use crate::calls::run::CallReport;
use crate::vault::VaultSnapshot;
use store::{HealthStore, Histories};

/// Each profile's summary, by profile id.
pub type Summaries = BTreeMap<String, HealthSummary>;

/// What a finished call (a prompt test, or a model call of the app's) adds to its
/// profile's history: numbers and its code. A cancelled call says nothing about the
/// profile's health, and adds nothing.
pub fn outcome_of(kind: OutcomeKind, report: &CallReport) -> Option<HealthOutcome> {
    let code = report.result.as_ref().err().map(|failure| &failure.code);
    if code == Some(&ErrorCode::Cancelled) {
        return None;
    }
    Some(HealthOutcome {
        at: crate::timestamp::now_rfc3339(),
        kind,
        success: report.result.is_ok(),
        code: code.map(|code| code.as_str().to_owned()),
        latency_ms: report.timings.total_ms,
        first_token_ms: report.timings.first_token_ms,
    })
}

struct Book {
    histories: Histories,
    /// A write is running; another is needed after it when `dirty`.
    writing: bool,
    dirty: bool,
}

/// The health histories of every profile.
pub struct HealthBook {
    book: Mutex<Book>,
    summaries: watch::Sender<Arc<Summaries>>,
    store: HealthStore,
    profiles: watch::Receiver<Arc<VaultSnapshot>>,
}

impl HealthBook {
    /// Loads `health.json` from `data_dir` (blocking). `profiles` follows the vault, so
    /// deleted profiles' histories are dropped.
    pub fn open(
        data_dir: &std::path::Path,
        profiles: watch::Receiver<Arc<VaultSnapshot>>,
    ) -> Arc<Self> {
        let store = HealthStore::new(data_dir);
        let histories = store.load();
        let (summaries, _) = watch::channel(Arc::new(summarise(&histories)));
        Arc::new(Self {
            book: Mutex::new(Book {
                histories,
                writing: false,
                dirty: false,
            }),
            summaries,
            store,
            profiles,
        })
    }

    /// Adds an outcome to a profile's history, dropping the oldest past the bound.
    pub fn record(self: &Arc<Self>, profile_id: Uuid, outcome: HealthOutcome) {
        let start_write = {
            let mut book = self.book();
            let history = book
                .histories
                .profiles
                .entry(profile_id.to_string())
                .or_default();
            history.push(outcome);
            if history.len() > MAX_HEALTH_OUTCOMES {
                history.remove(0);
            }
            self.summaries
                .send_replace(Arc::new(summarise(&book.histories)));
            book.dirty = true;
            !std::mem::replace(&mut book.writing, true)
        };
        if start_write {
            tokio::spawn(self.clone().write_until_clean());
        }
    }

    /// A profile's outcomes, oldest first.
    pub fn history(&self, profile_id: &str) -> Vec<HealthOutcome> {
        self.book()
            .histories
            .profiles
            .get(profile_id)
            .cloned()
            .unwrap_or_default()
    }

    /// Every profile's summary, as of the latest outcome.
    pub fn summaries(&self) -> Arc<Summaries> {
        self.summaries.borrow().clone()
    }

    /// Writes the latest histories until no outcome arrived during the last write.
    async fn write_until_clean(self: Arc<Self>) {
        loop {
            let histories = {
                let mut book = self.book();
                if !book.dirty {
                    book.writing = false;
                    return;
                }
                book.dirty = false;
                let live = self.profiles.borrow().clone();
                book.histories
                    .profiles
                    .retain(|id, _| live.profiles.iter().any(|p| p.id == *id));
                book.histories.clone()
            };
            let store = self.store.clone();
            let written = tokio::task::spawn_blocking(move || store.save(&histories)).await;
            if !matches!(written, Ok(Ok(()))) {
                // Kept in memory; the next outcome tries again.
                tracing::warn!("writing the health history failed");
                self.book().writing = false;
                return;
            }
        }
    }

    fn book(&self) -> MutexGuard<'_, Book> {
        self.book.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Each profile's summary.
fn summarise(histories: &Histories) -> Summaries {
    histories
        .profiles
        .iter()
        .filter_map(|(id, outcomes)| Some((id.clone(), summary(outcomes)?)))
        .collect()
}

/// The summary of one history (oldest first); `None` when it is empty.
pub fn summary(outcomes: &[HealthOutcome]) -> Option<HealthSummary> {
    let last = outcomes.last()?;
    let mut latencies: Vec<f64> = outcomes
        .iter()
        .filter(|o| o.success)
        .map(|o| o.latency_ms)
        .collect();
    latencies.sort_by(f64::total_cmp);
    let median = match latencies.len() {
        0 => None,
        n if n % 2 == 1 => Some(latencies[n / 2]),
        n => Some((latencies[n / 2 - 1] + latencies[n / 2]) / 2.0),
    };
    Some(HealthSummary {
        outcomes: outcomes.len() as u32,
        last_at: last.at.clone(),
        last_success: last.success,
        last_code: last.code.clone(),
        last_success_at: outcomes
            .iter()
            .rev()
            .find(|o| o.success)
            .map(|o| o.at.clone()),
        median_latency_ms: median,
    })
}

#[cfg(test)]
mod tests {
    use llm_agent_protocol::health::OutcomeKind;

    use super::*;

    fn outcome(at: &str, success: bool, latency_ms: f64) -> HealthOutcome {
        HealthOutcome {
            at: at.into(),
            kind: OutcomeKind::PromptTest,
            success,
            code: (!success).then(|| "TIMEOUT".to_owned()),
            latency_ms,
            first_token_ms: success.then_some(latency_ms / 2.0),
        }
    }

    #[test]
    fn a_summary_names_the_last_result_the_last_success_and_the_median_of_successes() {
        assert_eq!(summary(&[]), None);
        let history = [
            outcome("t1", true, 100.0),
            outcome("t2", true, 300.0),
            outcome("t3", false, 30_000.0),
            outcome("t4", true, 200.0),
            outcome("t5", false, 30_000.0),
        ];
        let summary = summary(&history).unwrap();
        assert_eq!(summary.outcomes, 5);
        assert_eq!(
            (summary.last_at.as_str(), summary.last_success),
            ("t5", false)
        );
        assert_eq!(summary.last_code.as_deref(), Some("TIMEOUT"));
        assert_eq!(summary.last_success_at.as_deref(), Some("t4"));
        assert_eq!(summary.median_latency_ms, Some(200.0));
    }

    #[tokio::test]
    async fn histories_are_bounded_persisted_and_pruned_of_deleted_profiles() {
        use crate::vault::profile::testing::redacted;
        use llm_agent_protocol::methods::profiles::RedactedProfile;

        let dir = tempfile::tempdir().unwrap();
        let kept = Uuid::new_v4();
        let gone = Uuid::new_v4();
        let profile: RedactedProfile = RedactedProfile {
            id: kept.to_string(),
            ..redacted("ollama", "http://127.0.0.1:11434")
        };
        let snapshot = VaultSnapshot::for_tests(vec![profile]);
        let (_vault, profiles) = watch::channel(Arc::new(snapshot));
        let book = HealthBook::open(dir.path(), profiles.clone());
        for n in 0..(MAX_HEALTH_OUTCOMES + 5) {
            book.record(kept, outcome(&format!("t{n}"), true, n as f64));
        }
        book.record(gone, outcome("x", true, 1.0));
        assert_eq!(book.history(&kept.to_string()).len(), MAX_HEALTH_OUTCOMES);
        assert_eq!(
            book.history(&kept.to_string())[0].at,
            "t5",
            "the oldest are dropped"
        );
        assert_eq!(book.summaries().len(), 2);
        // Let the background write finish.
        for _ in 0..100 {
            if !book.book().writing {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        let reopened = HealthBook::open(dir.path(), profiles);
        assert_eq!(
            reopened.history(&kept.to_string()).len(),
            MAX_HEALTH_OUTCOMES
        );
        assert!(
            reopened.history(&gone.to_string()).is_empty(),
            "deleted profiles are dropped"
        );
    }
}
