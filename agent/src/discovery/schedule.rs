//! When scheduled sweeps run: every `interval_s` (±10% jitter), the gap doubling up to
//! [`MAX_BACKOFF_FACTOR`]× while nothing changes and back to `interval_s` on a change.
//! The first scheduled sweep comes [`FIRST_SWEEP_DELAY`] after start-up and probes this
//! machine only; later ones add the hosts the learner configured.
//!
//! Pure bookkeeping: the actor arms a timer for each [`Due`] this returns and reports
//! ticks and finished sweeps back. A tick of an older schedule (settings changed since)
//! carries an old generation and is ignored.

use std::time::{Duration, SystemTime};

use llm_agent_protocol::methods::discovery::Settings;

/// How soon after start-up the first scheduled sweep runs.
pub const FIRST_SWEEP_DELAY: Duration = Duration::from_secs(2);
/// The most the gap between scheduled sweeps grows while nothing changes, as a multiple
/// of `interval_s`.
pub const MAX_BACKOFF_FACTOR: u32 = 4;

/// A tick to deliver after `after`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Due {
    pub generation: u64,
    pub after: Duration,
}

/// A scheduled sweep to start now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScheduledSweep {
    /// Whether it probes the configured extra hosts (every scheduled sweep but the first).
    pub probe_extra: bool,
}

#[derive(Debug)]
pub struct Schedule {
    enabled: bool,
    interval: Duration,
    /// The gap now: `interval`, lengthened while nothing changes.
    current: Duration,
    /// Bumped at every re-arm; a tick of an older generation is stale.
    generation: u64,
    next_at: Option<SystemTime>,
    /// Scheduled sweeps started so far.
    started: u64,
    running: bool,
}

impl Schedule {
    pub fn new(settings: &Settings) -> Self {
        let interval = interval_of(settings);
        Schedule {
            enabled: settings.enabled,
            interval,
            current: interval,
            generation: 0,
            next_at: None,
            started: 0,
            running: false,
        }
    }

    /// The first tick after start-up.
    pub fn first(&mut self) -> Option<Due> {
        self.arm(FIRST_SWEEP_DELAY)
    }

    /// A tick arrived: the scheduled sweep to start now, if it is current and none runs.
    pub fn tick(&mut self, generation: u64) -> Option<ScheduledSweep> {
        if generation != self.generation || !self.enabled || self.running {
            return None;
        }
        self.next_at = None;
        self.running = true;
        let probe_extra = self.started > 0;
        self.started += 1;
        Some(ScheduledSweep { probe_extra })
    }

    /// A sweep ended. A change brings the gap back to the interval; a scheduled sweep
    /// that found nothing new lengthens it. Returns the next tick after a scheduled one.
    pub fn swept(&mut self, changed: bool, scheduled: bool) -> Option<Due> {
        if changed {
            self.current = self.interval;
        } else if scheduled {
            self.current = (self.current * 2).min(self.interval * MAX_BACKOFF_FACTOR);
        }
        if !scheduled {
            return None;
        }
        self.running = false;
        self.arm(self.current)
    }

    /// New settings take effect: the gap is the new interval. Returns the next tick,
    /// unless a scheduled sweep is running (it re-arms when it ends).
    pub fn reconfigure(&mut self, settings: &Settings) -> Option<Due> {
        self.enabled = settings.enabled;
        self.interval = interval_of(settings);
        self.current = self.interval;
        if self.running {
            self.generation += 1;
            return None;
        }
        self.arm(self.current)
    }

    /// When the next scheduled sweep runs; `None` while none is armed.
    pub fn next_at(&self) -> Option<SystemTime> {
        self.next_at
    }

    /// The gap between scheduled sweeps now.
    pub fn current_interval(&self) -> Duration {
        self.current
    }

    /// Re-arms: a tick `after` from now (±10%), or none while scheduled sweeps are off.
    fn arm(&mut self, after: Duration) -> Option<Due> {
        self.generation += 1;
        if !self.enabled {
            self.next_at = None;
            return None;
        }
        let after = after.mul_f64(0.9 + fastrand::f64() * 0.2);
        self.next_at = Some(SystemTime::now() + after);
        Some(Due {
            generation: self.generation,
            after,
        })
    }
}

fn interval_of(settings: &Settings) -> Duration {
    Duration::from_secs(settings.interval_s.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(interval_s: u64, enabled: bool) -> Settings {
        Settings {
            enabled,
            interval_s,
            extra_endpoints: Vec::new(),
        }
    }

    fn within_jitter(due: Due, expected: Duration) {
        assert!(
            due.after >= expected.mul_f64(0.9) && due.after <= expected.mul_f64(1.1),
            "{due:?} vs {expected:?}"
        );
    }

    /// Runs one scheduled sweep from `due`, returning the next tick.
    fn sweep(schedule: &mut Schedule, due: Due, changed: bool) -> Due {
        assert!(schedule.tick(due.generation).is_some());
        schedule.swept(changed, true).unwrap()
    }

    #[test]
    fn the_first_sweep_stays_on_this_machine_and_later_ones_do_not() {
        let mut schedule = Schedule::new(&settings(300, true));
        let first = schedule.first().unwrap();
        within_jitter(first, FIRST_SWEEP_DELAY);
        assert!(schedule.next_at().is_some());
        assert_eq!(
            schedule.tick(first.generation),
            Some(ScheduledSweep { probe_extra: false })
        );
        assert_eq!(schedule.next_at(), None);
        let next = schedule.swept(true, true).unwrap();
        assert_eq!(
            schedule.tick(next.generation),
            Some(ScheduledSweep { probe_extra: true })
        );
    }

    #[test]
    fn the_gap_doubles_while_nothing_changes_up_to_four_times_and_resets_on_a_change() {
        let interval = Duration::from_secs(300);
        let mut schedule = Schedule::new(&settings(300, true));
        let mut due = schedule.first().unwrap();
        for expected in [2, 4, 4, 4] {
            due = sweep(&mut schedule, due, false);
            within_jitter(due, interval * expected);
            assert_eq!(schedule.current_interval(), interval * expected);
        }
        due = sweep(&mut schedule, due, true);
        within_jitter(due, interval);
        // A manual sweep that changes something resets the gap but arms nothing.
        let _ = sweep(&mut schedule, due, false);
        assert_eq!(schedule.swept(true, false), None);
        assert_eq!(schedule.current_interval(), interval);
    }

    #[test]
    fn stale_and_overlapping_ticks_are_ignored() {
        let mut schedule = Schedule::new(&settings(60, true));
        let first = schedule.first().unwrap();
        let rearmed = schedule.reconfigure(&settings(120, true)).unwrap();
        assert!(
            schedule.tick(first.generation).is_none(),
            "an older schedule's tick"
        );
        assert!(schedule.tick(rearmed.generation).is_some());
        assert!(
            schedule.tick(rearmed.generation).is_none(),
            "one sweep at a time"
        );
        // Reconfigured while a sweep runs: nothing is armed until it ends.
        assert_eq!(schedule.reconfigure(&settings(90, true)), None);
        let next = schedule.swept(false, true).unwrap();
        within_jitter(next, Duration::from_secs(180));
    }

    #[test]
    fn a_disabled_schedule_arms_nothing() {
        let mut schedule = Schedule::new(&settings(60, false));
        assert_eq!(schedule.first(), None);
        assert_eq!(schedule.next_at(), None);
        let due = schedule.reconfigure(&settings(60, true)).unwrap();
        assert!(schedule.reconfigure(&settings(60, false)).is_none());
        assert!(schedule.tick(due.generation).is_none());
    }
}
