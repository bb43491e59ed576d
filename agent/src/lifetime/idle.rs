//! `--idle-exit SECS`: the agent ends once no client has been connected, and nothing a
//! client started has been running, for that long.
//!
//! A watcher samples the agent's counters a few times per period: a connection open,
//! one accepted since the last look (however short), or a model call (a prompt test or a chat call) still running
//! counts as activity. A connection stays open until its requests are done, so a
//! request in progress keeps the agent up too. The agent's own background work
//! (scheduled discovery sweeps, safe-storage checks) does not.

use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use tokio::time::Instant;

use crate::state::SharedState;

/// The watcher's shortest and longest pause between two looks at the counters.
const FASTEST_LOOK: Duration = Duration::from_millis(50);
const SLOWEST_LOOK: Duration = Duration::from_secs(5);

/// What the counters said at one look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Activity {
    pub connections_accepted: u64,
    pub connections_open: u64,
    pub calls_running: u64,
}

/// Decides, look after look, whether the agent has been idle for the limit.
#[derive(Debug)]
pub struct IdleClock {
    limit: Duration,
    idle_since: Instant,
    accepted: u64,
}

impl IdleClock {
    pub fn new(limit: Duration, now: Instant, accepted: u64) -> Self {
        Self {
            limit,
            idle_since: now,
            accepted,
        }
    }

    /// Takes one look; true once nothing has happened for the whole limit.
    pub fn idle_for_limit(&mut self, now: Instant, activity: Activity) -> bool {
        let busy = activity.connections_open > 0
            || activity.calls_running > 0
            || activity.connections_accepted != self.accepted;
        self.accepted = activity.connections_accepted;
        if busy {
            self.idle_since = now;
            return false;
        }
        now.duration_since(self.idle_since) >= self.limit
    }
}

/// How often to look: a quarter of the limit, within bounds, so the agent ends at most
/// a quarter period late.
fn look_every(limit: Duration) -> Duration {
    (limit / 4).clamp(FASTEST_LOOK, SLOWEST_LOOK)
}

/// Watches the agent's activity as a task; shuts the agent down once it has been idle
/// for `limit`. Ends with the agent.
pub fn watch(limit: Duration, state: SharedState) {
    tokio::spawn(async move {
        let activity = || Activity {
            connections_accepted: state.counters.connections_accepted.load(Relaxed),
            connections_open: state.counters.connections_open.load(Relaxed),
            calls_running: state.calls.prompt_tests_running.load(Relaxed)
                + state.calls.chats_running.load(Relaxed),
        };
        let mut clock = IdleClock::new(limit, Instant::now(), activity().connections_accepted);
        let mut looks = tokio::time::interval(look_every(limit));
        looks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                biased;
                _ = state.shutdown.cancelled() => return,
                _ = looks.tick() => {}
            }
            if clock.idle_for_limit(Instant::now(), activity()) {
                tracing::info!(
                    idle_s = limit.as_secs(),
                    "no client for the idle limit; shutting down"
                );
                state.shutdown.cancel();
                return;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: Duration = Duration::from_secs(10);

    fn quiet(accepted: u64) -> Activity {
        Activity {
            connections_accepted: accepted,
            connections_open: 0,
            calls_running: 0,
        }
    }

    #[test]
    fn idle_only_after_the_whole_limit_without_anything() {
        let start = Instant::now();
        let mut clock = IdleClock::new(LIMIT, start, 3);
        assert!(!clock.idle_for_limit(start + Duration::from_secs(9), quiet(3)));
        assert!(clock.idle_for_limit(start + LIMIT, quiet(3)));
    }

    #[test]
    fn an_open_connection_a_new_one_or_a_running_test_restarts_the_clock() {
        let start = Instant::now();
        let at = |s| start + Duration::from_secs(s);
        let mut clock = IdleClock::new(LIMIT, start, 0);
        let open = Activity {
            connections_open: 1,
            connections_accepted: 1,
            ..quiet(0)
        };
        assert!(!clock.idle_for_limit(at(20), open));
        assert!(!clock.idle_for_limit(at(29), quiet(1)));
        assert!(clock.idle_for_limit(at(30), quiet(1)));

        // One that came and went between two looks.
        let mut clock = IdleClock::new(LIMIT, start, 0);
        assert!(!clock.idle_for_limit(at(15), quiet(1)));
        assert!(!clock.idle_for_limit(at(24), quiet(1)));
        assert!(clock.idle_for_limit(at(25), quiet(1)));

        let mut clock = IdleClock::new(LIMIT, start, 0);
        let testing = Activity {
            calls_running: 1,
            ..quiet(0)
        };
        assert!(!clock.idle_for_limit(at(15), testing));
        assert!(!clock.idle_for_limit(at(24), quiet(0)));
    }

    #[test]
    fn looks_are_a_quarter_of_the_limit_within_bounds() {
        assert_eq!(
            look_every(Duration::from_secs(1)),
            Duration::from_millis(250)
        );
        assert_eq!(look_every(Duration::from_millis(10)), FASTEST_LOOK);
        assert_eq!(look_every(Duration::from_secs(3600)), SLOWEST_LOOK);
    }
}
