//! The governor of one provider endpoint: at most `limit` requests at once, the rest
//! waiting in a FIFO queue.
//!
//! A test takes its place in the queue synchronously ([`Governor::enqueue`]), when the
//! tester actor handles its message, so the order is the order the actor received the
//! tests, whatever the order their tasks first run in. A waiter that gives up (deadline,
//! cancel) leaves the queue when its [`Ticket`] is dropped. The limit can change while
//! tests wait (a profile's `parallelism` option was edited): a raise lets waiters in at
//! once, a cut holds every waiter until the running ones are below the new limit.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::oneshot;

pub struct Governor {
    state: Mutex<State>,
}

struct State {
    limit: usize,
    running: usize,
    next_ticket: u64,
    queue: VecDeque<(u64, oneshot::Sender<()>)>,
}

/// A place in the queue; [`Ticket::turn`] waits for the turn itself.
pub struct Ticket {
    governor: Arc<Governor>,
    place: Place,
}

enum Place {
    /// Given a turn at once.
    Granted,
    Waiting(u64, oneshot::Receiver<()>),
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
                queue: VecDeque::new(),
            }),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn limit(&self) -> usize {
        self.state().limit
    }

    /// Tests waiting for a turn now.
    pub fn waiting(&self) -> usize {
        self.state().queue.len()
    }

    /// Tests holding a turn now.
    pub fn running(&self) -> usize {
        self.state().running
    }

    /// Changes the limit (at least 1).
    pub fn set_limit(&self, limit: usize) {
        let mut state = self.state();
        state.limit = limit.max(1);
        state.admit();
    }

    /// Takes a place at the back of the queue, or a turn at once when one is free and
    /// nobody waits.
    pub fn enqueue(self: &Arc<Self>) -> Ticket {
        let mut state = self.state();
        let place = if state.queue.is_empty() && state.running < state.limit {
            state.running += 1;
            Place::Granted
        } else {
            let (sender, receiver) = oneshot::channel();
            let ticket = state.next_ticket;
            state.next_ticket += 1;
            state.queue.push_back((ticket, sender));
            Place::Waiting(ticket, receiver)
        };
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
    /// Gives turns to the front of the queue while the limit allows.
    fn admit(&mut self) {
        while self.running < self.limit {
            let Some((_, waiter)) = self.queue.pop_front() else {
                return;
            };
            // A waiter whose ticket is gone cannot take the turn: try the next one.
            if waiter.send(()).is_ok() {
                self.running += 1;
            }
        }
    }
}

impl Ticket {
    /// Waits for the turn.
    pub async fn turn(mut self) -> Turn {
        if let Place::Waiting(_, receiver) = &mut self.place {
            // The sender lives in the queue until it admits us; the governor outlives
            // the ticket, so it is never dropped unsent.
            let _ = receiver.await;
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
            Place::Waiting(ticket, receiver) => {
                let mut state = self.governor.state();
                let before = state.queue.len();
                let ticket = *ticket;
                state.queue.retain(|(t, _)| *t != ticket);
                let still_queued = state.queue.len() < before;
                // Admitted but gone before it noticed: hand the turn on.
                if !still_queued && receiver.try_recv().is_ok() {
                    state.running = state.running.saturating_sub(1);
                    state.admit();
                }
            }
        }
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

    #[tokio::test]
    async fn turns_go_in_enqueue_order_one_at_a_time() {
        let governor = Arc::new(Governor::new(1));
        let order = Arc::new(Mutex::new(Vec::new()));
        let first = governor.enqueue().turn().await;
        let tickets: Vec<_> = (0..5).map(|_| governor.enqueue()).collect();
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

    #[tokio::test]
    async fn a_waiter_that_gives_up_leaves_the_queue() {
        let governor = Arc::new(Governor::new(1));
        let held = governor.enqueue().turn().await;
        let gave_up =
            tokio::time::timeout(Duration::from_millis(5), governor.enqueue().turn()).await;
        assert!(gave_up.is_err());
        assert_eq!(governor.waiting(), 0);
        let next = governor.enqueue();
        drop(held);
        let turn = tokio::time::timeout(Duration::from_millis(100), next.turn()).await;
        assert!(turn.is_ok(), "the queue moves on past the one that left");
    }

    #[tokio::test]
    async fn an_admitted_ticket_dropped_unseen_hands_its_turn_on() {
        let governor = Arc::new(Governor::new(1));
        let held = governor.enqueue().turn().await;
        let admitted_unseen = governor.enqueue();
        let next = governor.enqueue();
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
        drop(governor.enqueue());
        assert_eq!(governor.running(), 0);
    }

    #[tokio::test]
    async fn the_limit_changes_under_load_and_applies_to_the_queue() {
        let governor = Arc::new(Governor::new(1));
        let a = governor.enqueue().turn().await;
        let waiting: Vec<_> = (0..3).map(|_| governor.enqueue()).collect();
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
