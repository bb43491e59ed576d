//! A line on stderr that shows the console is waiting for a long operation of the agent
//! (a prompt test, a discovery sweep) and for how long. Drawn only when stderr is a
//! terminal, so pipes and logs never see it.

use std::future::Future;
use std::io::{self, IsTerminal, Write};
use std::time::{Duration, Instant};

use tokio::time::MissedTickBehavior;

/// The spinner's frames, and how often it moves.
const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const TICK: Duration = Duration::from_millis(100);

/// Erases the terminal line the cursor is on and returns to its start.
const CLEAR_LINE: &str = "\r\x1b[2K";

/// What is being waited for (`testing "Local" (ollama, llama3.2)`), and since when.
pub struct Spinner {
    label: String,
    started: Instant,
}

impl Spinner {
    /// A spinner labelled `label`. Keep the label short: a line that wraps cannot be
    /// cleared.
    pub fn new(label: String) -> Self {
        Self {
            label,
            started: Instant::now(),
        }
    }

    /// Whether a spinner would be seen: stderr is a terminal.
    pub fn wanted() -> bool {
        io::stderr().is_terminal()
    }

    /// Waits for `work`, redrawing the spinner until it finishes. The first frame comes
    /// after one tick, so a quick answer never flashes one; the line is cleared when
    /// `work` finishes or this future is dropped (Ctrl-C).
    pub async fn while_waiting<F: Future>(&self, work: F) -> F::Output {
        let mut line = SpinnerLine { drawn: false };
        let start = tokio::time::Instant::now() + TICK;
        let mut ticks = tokio::time::interval_at(start, TICK);
        ticks.set_missed_tick_behavior(MissedTickBehavior::Skip);
        let mut work = std::pin::pin!(work);
        let mut frame = 0;
        loop {
            tokio::select! {
                biased;
                output = &mut work => return output,
                _ = ticks.tick() => {
                    line.draw(&text(frame, &self.label, self.started.elapsed()));
                    frame += 1;
                }
            }
        }
    }
}

/// Waits for `work`, behind `spinner` when there is one.
pub async fn spin_while<F: Future>(spinner: Option<&Spinner>, work: F) -> F::Output {
    match spinner {
        Some(spinner) => spinner.while_waiting(work).await,
        None => work.await,
    }
}

fn text(frame: usize, label: &str, elapsed: Duration) -> String {
    let glyph = FRAMES[frame % FRAMES.len()];
    format!("{glyph} {label}… {:.1}s", elapsed.as_secs_f64())
}

/// The terminal line the spinner draws on; cleared when dropped, so whatever is printed
/// next starts on a clean line.
struct SpinnerLine {
    drawn: bool,
}

impl SpinnerLine {
    fn draw(&mut self, text: &str) {
        let mut stderr = io::stderr().lock();
        // Best effort: a spinner that cannot be drawn changes nothing about the work.
        let _ = write!(stderr, "{CLEAR_LINE}{text}").and_then(|()| stderr.flush());
        self.drawn = true;
    }
}

impl Drop for SpinnerLine {
    fn drop(&mut self) {
        if self.drawn {
            let mut stderr = io::stderr().lock();
            let _ = write!(stderr, "{CLEAR_LINE}").and_then(|()| stderr.flush());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spinner_says_what_it_waits_for_and_counts_seconds() {
        assert_eq!(
            text(
                0,
                "testing \"Local\" (ollama, llama3.2)",
                Duration::from_millis(1_234)
            ),
            "⠋ testing \"Local\" (ollama, llama3.2)… 1.2s"
        );
        assert!(text(11, "x", Duration::ZERO).starts_with('⠙'));
    }
}
