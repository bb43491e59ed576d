//! The governor of one provider endpoint: at most `limit` requests at once, the rest
//! waiting in a FIFO queue. Built on tokio's semaphore, which is fair: permits go out in
//! the order they were asked for. A waiter that gives up (deadline, cancel) leaves the
//! queue when its future is dropped.
//!
//! The limit can change while requests are queued (a profile's `parallelism` option was
//! edited): raising it lets waiters in at once; lowering it takes permits back as they
//! are returned.

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

pub struct Governor {
    permits: Arc<Semaphore>,
    limit: Mutex<usize>,
    waiting: AtomicUsize,
}

/// A turn to send requests; the next waiter goes when it is dropped.
pub struct Turn {
    _permit: OwnedSemaphorePermit,
}

impl Governor {
    pub fn new(limit: usize) -> Self {
        let limit = limit.max(1);
        Governor {
            permits: Arc::new(Semaphore::new(limit)),
            limit: Mutex::new(limit),
            waiting: AtomicUsize::new(0),
        }
    }

    pub fn limit(&self) -> usize {
        *self.limit.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Requests waiting for a turn now.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Relaxed)
    }

    /// Requests holding a turn now.
    pub fn running(&self) -> usize {
        self.limit()
            .saturating_sub(self.permits.available_permits())
    }

    /// Changes the limit (at least 1).
    pub fn set_limit(&self, limit: usize) {
        let limit = limit.max(1);
        let mut current = self.limit.lock().unwrap_or_else(PoisonError::into_inner);
        if limit > *current {
            self.permits.add_permits(limit - *current);
        } else if limit < *current {
            let excess = *current - limit;
            let taken = self.permits.forget_permits(excess);
            if taken < excess {
                // The rest are in use: take them back as they are returned, in line with
                // the waiters.
                let permits = self.permits.clone();
                let owed = u32::try_from(excess - taken).unwrap_or(u32::MAX);
                tokio::spawn(async move {
                    if let Ok(permits) = permits.acquire_many_owned(owed).await {
                        permits.forget();
                    }
                });
            }
        }
        *current = limit;
    }

    /// Waits for a turn, in arrival order. `None` only if the governor was torn down.
    pub async fn turn(&self) -> Option<Turn> {
        self.waiting.fetch_add(1, Relaxed);
        let _waiting = Decrement(&self.waiting);
        let permit = self.permits.clone().acquire_owned().await.ok()?;
        Some(Turn { _permit: permit })
    }
}

struct Decrement<'a>(&'a AtomicUsize);

impl Drop for Decrement<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// Lets spawned tasks run until they block.
    async fn settle() {
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test]
    async fn turns_go_in_arrival_order_one_at_a_time() {
        let governor = Arc::new(Governor::new(1));
        let order = Arc::new(Mutex::new(Vec::new()));
        let first = governor.turn().await.unwrap();
        let mut tasks = Vec::new();
        for i in 0..5 {
            let (governor, order) = (governor.clone(), order.clone());
            tasks.push(tokio::spawn(async move {
                let _turn = governor.turn().await.unwrap();
                order.lock().unwrap().push(i);
                tokio::time::sleep(Duration::from_millis(1)).await;
            }));
            settle().await;
        }
        assert_eq!(governor.waiting(), 5);
        assert_eq!(governor.running(), 1);
        drop(first);
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(*order.lock().unwrap(), [0, 1, 2, 3, 4]);
        assert_eq!(governor.waiting(), 0);
    }

    #[tokio::test]
    async fn a_waiter_that_gives_up_leaves_the_queue() {
        let governor = Arc::new(Governor::new(1));
        let held = governor.turn().await.unwrap();
        let gave_up = tokio::time::timeout(Duration::from_millis(5), governor.turn()).await;
        assert!(gave_up.is_err());
        assert_eq!(governor.waiting(), 0);
        let next = {
            let governor = governor.clone();
            tokio::spawn(async move { governor.turn().await.map(drop) })
        };
        settle().await;
        drop(held);
        assert!(
            next.await.unwrap().is_some(),
            "the queue moves on past the one that left"
        );
    }

    #[tokio::test]
    async fn the_limit_changes_under_load() {
        let governor = Arc::new(Governor::new(1));
        let a = governor.turn().await.unwrap();
        governor.set_limit(2);
        let b = tokio::time::timeout(Duration::from_millis(50), governor.turn())
            .await
            .expect("a raised limit lets a waiter in")
            .unwrap();
        governor.set_limit(1);
        drop(a);
        settle().await;
        assert!(
            tokio::time::timeout(Duration::from_millis(20), governor.turn())
                .await
                .is_err(),
            "a lowered limit holds while the old turns are out"
        );
        drop(b);
        settle().await;
        let c = tokio::time::timeout(Duration::from_millis(50), governor.turn()).await;
        assert!(c.is_ok(), "one turn again once both are back");
        assert_eq!(governor.limit(), 1);
    }
}
