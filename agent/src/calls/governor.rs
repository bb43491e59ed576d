//! The governor of one provider endpoint: at most `limit` requests at once, the rest
//! waiting in two bounded FIFO queues, one per [`CallClass`].
//!
//! - **Order.** A call takes its place synchronously ([`Governor::enqueue`]) when the calls
//!   actor handles it, so within a class the order is the order the actor received the
//!   calls, whatever order their tasks first run in.
//! - **Classes.** A free slot goes to the longest-waiting `interactive` call (the tutor, a
//!   prompt test: someone is waiting for it) before any `background` one (the
//!   `infrastructure` role). Background calls run whenever no interactive call waits, and
//!   after [`INTERACTIVE_BURST`] interactive turns in a row given while a background call
//!   waited, the next turn is a background one: neither class starves.
//! - **Backoff holds no slot.** A call that must wait before retrying drops its [`Turn`];
//!   when the wait is over it takes a place at the *front* of its class
//!   ([`Governor::requeue`]), since it had already waited its turn once.
//! - **Bounded.** At most [`MAX_WAITING`] calls wait per endpoint; past that
//!   [`Governor::enqueue`] refuses ([`QueueFull`]), and the caller answers `BUSY`
//!   rather than build a backlog. A call coming back from backoff is never refused.
//! - **Giving up.** A waiter that gives up (deadline, cancel) leaves its queue when its
//!   [`Ticket`] is dropped; one admitted but gone before it noticed hands the turn on.
//! - **Limit changes.** The limit can change while calls wait (a profile's `parallelism`
//!   option was edited): a raise lets waiters in at once, a cut holds every waiter until
//!   the running ones are below the new limit.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use llm_agent_protocol::methods::chat::CallClass;
use tokio::sync::oneshot;

/// The most calls that wait at one endpoint.
pub const MAX_WAITING: usize = 256;
/// Interactive turns given in a row, while a background call waits, before a background
/// call gets one.
pub const INTERACTIVE_BURST: u32 = 8;

pub struct Governor {
    state: Mutex<State>,
}

/// Why a call cannot join the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueFull {
    pub waiting: usize,
}

/// The two queues, by [`CallClass`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Lane {
    Interactive,
    Background,
}

impl Lane {
    fn of(class: CallClass) -> Lane {
        match class {
            CallClass::Background => Lane::Background,
            CallClass::Interactive | CallClass::Unknown => Lane::Interactive,
        }
    }
}

struct State {
    limit: usize,
    running: usize,
    next_ticket: u64,
    interactive: VecDeque<Waiter>,
    background: VecDeque<Waiter>,
    /// Interactive turns given in a row while a background call waited.
    interactive_streak: u32,
}

struct Waiter {
    ticket: u64,
    wake: oneshot::Sender<()>,
}

/// A place in a queue; [`Ticket::turn`] waits for the turn itself.
pub struct Ticket {
    governor: Arc<Governor>,
    place: Place,
}

enum Place {
    /// Given a turn at once.
    Granted,
    Waiting {
        ticket: u64,
        lane: Lane,
        admitted: oneshot::Receiver<()>,
    },
    /// Turned into a [`Turn`], which now owns the running slot.
    Taken,
}

/// A turn to send requests; the next waiter goes when it is dropped.
pub struct Turn {
    governor: Arc<Governor>,
}

impl Governor {
    pub fn new(limit: usize) -> Self {
        Governor {
            state: Mutex::new(State {
                limit: limit.max(1),
                running: 0,
                next_ticket: 0,
                interactive: VecDeque::new(),
                background: VecDeque::new(),
                interactive_streak: 0,
            }),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn limit(&self) -> usize {
        self.state().limit
    }

    /// Calls waiting for a turn now.
    pub fn waiting(&self) -> usize {
        let state = self.state();
        state.interactive.len() + state.background.len()
    }

    /// Calls holding a turn now.
    pub fn running(&self) -> usize {
        self.state().running
    }

    /// Changes the limit (at least 1).
    pub fn set_limit(&self, limit: usize) {
        let mut state = self.state();
        state.limit = limit.max(1);
        state.admit();
    }

    /// Takes a place at the back of `class`'s queue, or a turn at once when one is free
    /// and nobody waits; refused when [`MAX_WAITING`] calls already wait.
    pub fn enqueue(self: &Arc<Self>, class: CallClass) -> Result<Ticket, QueueFull> {
        let mut state = self.state();
        let waiting = state.interactive.len() + state.background.len();
        if waiting >= MAX_WAITING {
            return Err(QueueFull { waiting });
        }
        let place = state.place(Lane::of(class), false);
        Ok(Ticket {
            governor: self.clone(),
            place,
        })
    }

    /// Takes a place at the front of `class`'s queue, for a call whose backoff is over.
    /// Never refused: the call had its place already.
    pub fn requeue(self: &Arc<Self>, class: CallClass) -> Ticket {
        let place = self.state().place(Lane::of(class), true);
        Ticket {
            governor: self.clone(),
            place,
        }
    }

    fn release(&self) {
        let mut state = self.state();
        state.running = state.running.saturating_sub(1);
        state.admit();
    }
}

impl State {
    /// A turn at once when a slot is free and nobody waits, else a place in `lane`.
    fn place(&mut self, lane: Lane, at_front: bool) -> Place {
        let nobody_waits = self.interactive.is_empty() && self.background.is_empty();
        if nobody_waits && self.running < self.limit {
            self.running += 1;
            return Place::Granted;
        }
        let (wake, admitted) = oneshot::channel();
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        let waiter = Waiter { ticket, wake };
        let queue = self.queue(lane);
        if at_front {
            queue.push_front(waiter);
        } else {
            queue.push_back(waiter);
        }
        // A requeued call may find a slot free that nobody else was waiting for.
        self.admit();
        Place::Waiting {
            ticket,
            lane,
            admitted,
        }
    }

    fn queue(&mut self, lane: Lane) -> &mut VecDeque<Waiter> {
        match lane {
            Lane::Interactive => &mut self.interactive,
            Lane::Background => &mut self.background,
        }
    }

    /// Which lane the next turn goes to, if anyone waits.
    fn next_lane(&self) -> Option<Lane> {
        match (self.interactive.is_empty(), self.background.is_empty()) {
            (true, true) => None,
            (false, true) => Some(Lane::Interactive),
            (true, false) => Some(Lane::Background),
            (false, false) if self.interactive_streak >= INTERACTIVE_BURST => {
                Some(Lane::Background)
            }
            (false, false) => Some(Lane::Interactive),
        }
    }

    /// Gives turns to the front of the queues while the limit allows.
    fn admit(&mut self) {
        while self.running < self.limit {
            let Some(lane) = self.next_lane() else {
                return;
            };
            let background_waits = !self.background.is_empty();
            let Some(waiter) = self.queue(lane).pop_front() else {
                return;
            };
            // A waiter whose ticket is gone cannot take the turn: try the next one.
            if waiter.wake.send(()).is_err() {
                continue;
            }
            self.running += 1;
            self.interactive_streak = match lane {
                Lane::Interactive if background_waits => self.interactive_streak + 1,
                _ => 0,
            };
        }
    }
}

impl Ticket {
    /// Waits for the turn.
    pub async fn turn(mut self) -> Turn {
        if let Place::Waiting { admitted, .. } = &mut self.place {
            // The sender lives in the queue until it admits us; the governor outlives
            // the ticket, so it is never dropped unsent.
            let _ = admitted.await;
        }
        self.place = Place::Taken;
        Turn {
            governor: self.governor.clone(),
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        match &mut self.place {
            Place::Taken => {}
            Place::Granted => self.governor.release(),
            Place::Waiting {
                ticket,
                lane,
                admitted,
            } => {
                let mut state = self.governor.state();
                let ticket = *ticket;
                let queue = state.queue(*lane);
                let before = queue.len();
                queue.retain(|w| w.ticket != ticket);
                let still_queued = queue.len() < before;
                // Admitted but gone before it noticed: hand the turn on.
                if !still_queued && admitted.try_recv().is_ok() {
                    state.running = state.running.saturating_sub(1);
                    state.admit();
                }
            }
        }
    }
}

impl Turn {
    /// The governor this turn belongs to, to queue again after a backoff.
    pub fn governor(&self) -> Arc<Governor> {
        self.governor.clone()
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        self.governor.release();
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    const FG: CallClass = CallClass::Interactive;
    const BG: CallClass = CallClass::Background;

    #[tokio::test]
    async fn turns_go_in_enqueue_order_one_at_a_time() {
        let governor = Arc::new(Governor::new(1));
        let order = Arc::new(Mutex::new(Vec::new()));
        let first = governor.enqueue(FG).unwrap().turn().await;
        let tickets: Vec<_> = (0..5).map(|_| governor.enqueue(FG).unwrap()).collect();
        assert_eq!(governor.waiting(), 5);
        // Their tasks start in reverse: the order is still the enqueue order.
        let mut tasks = Vec::new();
        for (i, ticket) in tickets.into_iter().enumerate().rev() {
            let order = order.clone();
            tasks.push(tokio::spawn(async move {
                let _turn = ticket.turn().await;
                order.lock().unwrap().push(i);
                tokio::time::sleep(Duration::from_millis(1)).await;
            }));
        }
        assert_eq!(governor.running(), 1);
        drop(first);
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(*order.lock().unwrap(), [0, 1, 2, 3, 4]);
        assert_eq!((governor.waiting(), governor.running()), (0, 0));
    }

    /// Runs `tickets` (labelled) to completion one at a time, in the order they get turns.
    async fn turn_order(held: Turn, tickets: Vec<(&'static str, Ticket)>) -> Vec<&'static str> {
        let order = Arc::new(Mutex::new(Vec::new()));
        let tasks: Vec<_> = tickets
            .into_iter()
            .map(|(label, ticket)| {
                let order = order.clone();
                tokio::spawn(async move {
                    let _turn = ticket.turn().await;
                    order.lock().unwrap().push(label);
                    tokio::task::yield_now().await;
                })
            })
            .collect();
        drop(held);
        for task in tasks {
            task.await.unwrap();
        }
        Arc::try_unwrap(order).unwrap().into_inner().unwrap()
    }

    #[tokio::test]
    async fn an_interactive_call_overtakes_queued_background_calls() {
        let governor = Arc::new(Governor::new(1));
        let held = governor.enqueue(BG).unwrap().turn().await;
        let mut tickets: Vec<_> = (0..9)
            .map(|_| ("bg", governor.enqueue(BG).unwrap()))
            .collect();
        tickets.push(("tutor", governor.enqueue(FG).unwrap()));
        let order = turn_order(held, tickets).await;
        assert_eq!(order[0], "tutor", "{order:?}");
        assert_eq!(order.iter().filter(|l| **l == "bg").count(), 9);
    }

    #[tokio::test]
    async fn background_calls_get_a_turn_after_a_burst_of_interactive_ones() {
        let governor = Arc::new(Governor::new(1));
        let held = governor.enqueue(FG).unwrap().turn().await;
        let mut tickets = vec![("bg", governor.enqueue(BG).unwrap())];
        for _ in 0..(INTERACTIVE_BURST + 2) {
            tickets.push(("fg", governor.enqueue(FG).unwrap()));
        }
        let order = turn_order(held, tickets).await;
        let bg_at = order.iter().position(|l| *l == "bg").unwrap();
        assert_eq!(bg_at, INTERACTIVE_BURST as usize, "{order:?}");
    }

    #[tokio::test]
    async fn a_call_back_from_backoff_goes_first_in_its_class() {
        let governor = Arc::new(Governor::new(1));
        let held = governor.enqueue(FG).unwrap().turn().await;
        let queued = governor.enqueue(FG).unwrap();
        let back = governor.requeue(FG);
        let order = turn_order(held, vec![("queued", queued), ("back", back)]).await;
        assert_eq!(order, ["back", "queued"]);
        // With a slot free and nobody waiting, a requeued call runs at once.
        let turn = tokio::time::timeout(Duration::from_millis(100), governor.requeue(BG).turn());
        assert!(turn.await.is_ok());
    }

    #[tokio::test]
    async fn the_queue_is_bounded_and_backoff_returns_are_not() {
        let governor = Arc::new(Governor::new(1));
        let _held = governor.enqueue(FG).unwrap().turn().await;
        let waiting: Vec<_> = (0..MAX_WAITING)
            .map(|i| governor.enqueue(if i % 2 == 0 { FG } else { BG }).unwrap())
            .collect();
        assert_eq!(
            governor.enqueue(BG).err(),
            Some(QueueFull {
                waiting: MAX_WAITING
            })
        );
        let _back = governor.requeue(FG);
        assert_eq!(governor.waiting(), MAX_WAITING + 1);
        drop(waiting);
        assert_eq!(governor.waiting(), 1);
    }

    #[tokio::test]
    async fn a_waiter_that_gives_up_leaves_the_queue() {
        let governor = Arc::new(Governor::new(1));
        let held = governor.enqueue(FG).unwrap().turn().await;
        let gave_up = tokio::time::timeout(
            Duration::from_millis(5),
            governor.enqueue(BG).unwrap().turn(),
        )
        .await;
        assert!(gave_up.is_err());
        assert_eq!(governor.waiting(), 0);
        let next = governor.enqueue(FG).unwrap();
        drop(held);
        let turn = tokio::time::timeout(Duration::from_millis(100), next.turn()).await;
        assert!(turn.is_ok(), "the queue moves on past the one that left");
    }

    #[tokio::test]
    async fn an_admitted_ticket_dropped_unseen_hands_its_turn_on() {
        let governor = Arc::new(Governor::new(1));
        let held = governor.enqueue(FG).unwrap().turn().await;
        let admitted_unseen = governor.enqueue(FG).unwrap();
        let next = governor.enqueue(BG).unwrap();
        drop(held);
        assert_eq!(governor.running(), 1, "the first waiter was admitted");
        drop(admitted_unseen);
        let turn = tokio::time::timeout(Duration::from_millis(100), next.turn()).await;
        assert!(turn.is_ok(), "the turn passed on");
        assert_eq!(governor.running(), 1);
        drop(turn);
        assert_eq!(governor.running(), 0);
    }

    #[tokio::test]
    async fn a_granted_ticket_never_turned_gives_its_slot_back() {
        let governor = Arc::new(Governor::new(1));
        drop(governor.enqueue(FG).unwrap());
        assert_eq!(governor.running(), 0);
    }

    #[tokio::test]
    async fn the_limit_changes_under_load_and_applies_to_the_queue() {
        let governor = Arc::new(Governor::new(1));
        let a = governor.enqueue(FG).unwrap().turn().await;
        let waiting: Vec<_> = (0..3).map(|_| governor.enqueue(FG).unwrap()).collect();
        governor.set_limit(2);
        assert_eq!(governor.running(), 2, "a raise lets a waiter in at once");
        governor.set_limit(1);
        drop(a);
        assert_eq!(governor.running(), 1, "a cut holds the queue");
        assert_eq!(governor.waiting(), 2);
        drop(waiting);
        assert_eq!((governor.running(), governor.waiting()), (0, 0));
    }
}
