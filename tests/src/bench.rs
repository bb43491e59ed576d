//! Shared pieces of the benches in `tests/benches/`: how big a run is, latency samples
//! with their percentiles and throughput, and a plain-text table to print them in.
//!
//! A bench records each operation with [`Samples::record_since`], merges the samples of
//! concurrent workers with [`Samples::merge`], and prints [`Samples::summary`] as one
//! [`Table`] row. Benches report figures; they never fail on them.

use std::time::{Duration, Instant};

/// How long a bench runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunSize {
    /// The counts the figures are quoted from.
    Full,
    /// A short smoke run: the same code paths, about a tenth of the work.
    Quick,
}

impl RunSize {
    /// `Quick` when the command line has `--quick` or `BENCH_QUICK=1` is set, and also
    /// when the binary was not started by `cargo bench` (which passes `--bench`): under
    /// `cargo test --all-targets` a bench is only smoke-tested.
    pub fn from_env() -> Self {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let asked = args.iter().any(|arg| arg == "--quick")
            || std::env::var("BENCH_QUICK").is_ok_and(|value| value == "1");
        let under_cargo_bench = args.iter().any(|arg| arg == "--bench");
        if asked || !under_cargo_bench {
            Self::Quick
        } else {
            Self::Full
        }
    }

    /// `full` or `quick`, whichever this run is.
    pub fn pick<T>(self, full: T, quick: T) -> T {
        match self {
            Self::Full => full,
            Self::Quick => quick,
        }
    }

    pub fn name(self) -> &'static str {
        self.pick("full run", "quick run")
    }
}

/// `release` or `debug`: how the bench itself was compiled.
pub fn build_profile() -> &'static str {
    if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    }
}

/// The CPUs this process may run on.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// The latency of each operation, and the span of time the operations covered.
#[derive(Debug, Clone, Default)]
pub struct Samples {
    nanos: Vec<u64>,
    /// From the start of the first operation to the end of the last one.
    span: Option<(Instant, Instant)>,
}

impl Samples {
    pub fn with_capacity(operations: usize) -> Self {
        Self {
            nanos: Vec::with_capacity(operations),
            span: None,
        }
    }

    /// Records one operation that began at `start` and has just ended.
    pub fn record_since(&mut self, start: Instant) {
        let end = Instant::now();
        let nanos = u64::try_from((end - start).as_nanos()).unwrap_or(u64::MAX);
        self.nanos.push(nanos);
        self.span = Some(match self.span {
            None => (start, end),
            Some((first, last)) => (first.min(start), last.max(end)),
        });
    }

    /// Adds the operations of another worker; the span grows to cover both.
    pub fn merge(&mut self, other: Samples) {
        self.nanos.extend(other.nanos);
        self.span = match (self.span, other.span) {
            (Some((a0, a1)), Some((b0, b1))) => Some((a0.min(b0), a1.max(b1))),
            (span, None) | (None, span) => span,
        };
    }

    pub fn len(&self) -> usize {
        self.nanos.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nanos.is_empty()
    }

    /// Percentiles of the latencies, and throughput over the covered span: for workers
    /// that run at the same time, that is their aggregate throughput.
    pub fn summary(&self) -> Summary {
        let mut sorted = self.nanos.clone();
        sorted.sort_unstable();
        let at = |q| Duration::from_nanos(percentile(&sorted, q));
        let elapsed = self
            .span
            .map_or(Duration::ZERO, |(first, last)| last - first);
        let per_sec = if elapsed.is_zero() {
            0.0
        } else {
            sorted.len() as f64 / elapsed.as_secs_f64()
        };
        Summary {
            operations: sorted.len(),
            p50: at(0.50),
            p99: at(0.99),
            max: at(1.0),
            per_sec,
        }
    }
}

/// The nearest-rank percentile `q` (0.0 to 1.0) of ascending `sorted`; 0 when empty.
pub fn percentile(sorted: &[u64], q: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (q.clamp(0.0, 1.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// What one bench case measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub operations: usize,
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
    /// Operations per second over the time they covered.
    pub per_sec: f64,
}

/// A plain-text table with one row per case, printed as the rows arrive so a long bench
/// shows progress.
#[derive(Debug)]
pub struct Table {
    case_width: usize,
}

impl Table {
    /// Prints the column headings; case names up to `case_width` characters line up.
    pub fn start(case_width: usize) -> Self {
        println!(
            "{:<case_width$} {:>8} {:>9} {:>9} {:>9} {:>10}",
            "case", "ops", "p50 µs", "p99 µs", "max µs", "ops/s"
        );
        Self { case_width }
    }

    pub fn row(&self, case: &str, summary: &Summary) {
        println!(
            "{:<width$} {:>8} {:>9.1} {:>9.1} {:>9.1} {:>10.0}",
            case,
            summary.operations,
            micros(summary.p50),
            micros(summary.p99),
            micros(summary.max),
            summary.per_sec,
            width = self.case_width,
        );
    }
}

/// A duration in microseconds, for printing.
pub fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let sorted: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&sorted, 0.50), 50);
        assert_eq!(percentile(&sorted, 0.99), 99);
        assert_eq!(percentile(&sorted, 1.0), 100);
        assert_eq!(percentile(&sorted, 0.0), 1);
        assert_eq!(percentile(&[7], 0.99), 7);
        assert_eq!(percentile(&[], 0.5), 0);
    }

    #[test]
    fn merged_samples_cover_both_spans() {
        let origin = Instant::now();
        let mut a = Samples::default();
        a.record_since(origin);
        let mut b = Samples::default();
        b.record_since(Instant::now());
        let b_end = b.span.expect("recorded").1;
        a.merge(b);
        assert_eq!(a.len(), 2);
        let (first, last) = a.span.expect("recorded");
        assert_eq!(first, origin);
        assert!(last >= b_end);
    }
}
