//! What requests may hold in memory while they are read, decoded and served, across all
//! connections: a ceiling that no mix of frames can pass.
//!
//! Every frame larger than a connection's read buffer is charged what it may cost, its
//! length and [`VALUE_COST`] for each value it may hold (what decoding it may allocate),
//! before its body is read; once it has been measured the charge shrinks to its length
//! and the values it does hold, and it is held until its request has been answered. A
//! frame that fits the read buffer (whose bytes land in memory the connection holds
//! anyway) is read first and charged what it holds once measured, if it is a request: a
//! cancel costs nothing, so a connection whose calls in flight hold all it may hold can
//! still cancel them. One charge per frame, paid in one step: a
//! connection never holds part of a frame's charge while it waits for the rest, so
//! connections waiting on one another cannot deadlock the pool. A connection pays from its own allowance first
//! ([`CONNECTION_ALLOWANCE`], enough for any well-behaved client's requests in flight),
//! then from one pool that all connections share ([`SHARED_POOL`]). When the pool cannot
//! pay, that connection waits and is not read meanwhile (its bytes wait in the kernel),
//! while every other connection goes on.
//!
//! So frames and what they decode to never hold more than
//! `max_connections × CONNECTION_ALLOWANCE + SHARED_POOL` (64 MiB + 32 MiB at the
//! defaults), whatever clients send, and a client that stays within its allowance never
//! waits. [`MAX_FRAME_VALUES`] keeps the largest frame's charge well inside the pool.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// What each connection may hold without drawing on the shared pool, in bytes.
pub const CONNECTION_ALLOWANCE: usize = 256 * 1024;
/// What all connections together may hold beyond their allowances, in bytes.
pub const SHARED_POOL: usize = 32 * 1024 * 1024;
/// What decoding one value may allocate at most, in bytes: a `String` or `Vec` slot of
/// 24 bytes, twice over while a `Vec` grows, and a small heap block behind it; a map entry
/// (two values) in a B-tree node about as much. The bytes a string holds are paid for by
/// the frame's length.
pub const VALUE_COST: usize = 96;
/// The most values (at every depth, containers and scalars alike) one frame may hold. The
/// protocol's own requests hold a few dozen; a larger frame is refused before it is
/// decoded.
pub const MAX_FRAME_VALUES: u64 = 65_536;

/// The most a frame of `len` bytes may cost before it is measured: each byte could be a
/// value.
pub fn frame_cost_bound(len: usize) -> usize {
    let values = len.min(usize::try_from(MAX_FRAME_VALUES).unwrap_or(usize::MAX));
    frame_cost(len, values as u64)
}

/// What a frame of `len` bytes holding `values` values costs.
pub fn frame_cost(len: usize, values: u64) -> usize {
    let values = usize::try_from(values).unwrap_or(usize::MAX);
    len.saturating_add(values.saturating_mul(VALUE_COST))
}

/// The pool all connections share. Cheap to clone.
#[derive(Debug, Clone)]
pub struct DecodeBudget {
    pool: Arc<Semaphore>,
}

impl Default for DecodeBudget {
    fn default() -> Self {
        Self {
            pool: Arc::new(Semaphore::new(SHARED_POOL)),
        }
    }
}

impl DecodeBudget {
    /// A new connection's account: its own allowance, then this pool.
    pub fn account(&self) -> Account {
        Account {
            pool: self.pool.clone(),
            own: Arc::new(AtomicUsize::new(CONNECTION_ALLOWANCE)),
        }
    }

    /// Bytes of the shared pool not held by anyone, for tests and figures.
    pub fn pool_available(&self) -> usize {
        self.pool.available_permits()
    }
}

/// One connection's account; a clone is the same account.
#[derive(Debug, Clone)]
pub struct Account {
    pool: Arc<Semaphore>,
    /// What is left of the connection's allowance.
    own: Arc<AtomicUsize>,
}

/// What one frame holds of its connection's allowance and of the pool. Dropping it gives
/// both back.
#[derive(Debug)]
pub struct Charge {
    own: usize,
    shared: Option<OwnedSemaphorePermit>,
    account: Arc<AtomicUsize>,
}

impl Account {
    /// A charge of `cost` bytes, waiting for the pool when the allowance does not cover
    /// it. Cancel-safe: dropped while waiting, it holds nothing.
    pub async fn charge(&self, cost: usize) -> Charge {
        let mut charge = Charge {
            own: self.take_own(cost),
            shared: None,
            account: self.own.clone(),
        };
        let rest = cost - charge.own;
        if rest > 0 {
            // A charge larger than the whole pool takes the whole pool, so it waits until
            // it is alone rather than forever.
            let permits = u32::try_from(rest.min(SHARED_POOL)).unwrap_or(u32::MAX);
            // The pool is never closed, so acquiring cannot fail; if it did, the frame
            // would go on unpaid rather than never.
            charge.shared = self.pool.clone().acquire_many_owned(permits).await.ok();
        }
        charge
    }

    /// Takes what it can of `cost` from the allowance.
    fn take_own(&self, cost: usize) -> usize {
        let mut taken = 0;
        // `fetch_update` only fails when the closure declines, which it never does.
        let _ = self
            .own
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |left| {
                taken = left.min(cost);
                Some(left - taken)
            });
        taken
    }
}

impl Charge {
    /// Gives back what this charge holds beyond `cost` bytes, the pool's share first.
    pub fn shrink_to(&mut self, cost: usize) {
        let mut excess = self.bytes().saturating_sub(cost);
        if let Some(shared) = &mut self.shared {
            let from_pool = excess.min(shared.num_permits());
            // Dropping the split-off permits returns them to the pool.
            drop(shared.split(from_pool));
            excess -= from_pool;
        }
        let from_own = excess.min(self.own);
        self.own -= from_own;
        self.account.fetch_add(from_own, Ordering::AcqRel);
    }

    /// Bytes held, allowance and pool together.
    pub fn bytes(&self) -> usize {
        self.own
            + self
                .shared
                .as_ref()
                .map_or(0, OwnedSemaphorePermit::num_permits)
    }
}

impl Drop for Charge {
    fn drop(&mut self) {
        self.account.fetch_add(self.own, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use futures_util::FutureExt;

    use super::*;

    #[tokio::test]
    async fn the_allowance_pays_first_and_everything_comes_back() {
        let budget = DecodeBudget::default();
        let account = budget.account();
        let small = account.charge(1000).await;
        assert_eq!((small.own, small.bytes()), (1000, 1000));
        assert_eq!(budget.pool_available(), SHARED_POOL);
        let mut large = account.charge(CONNECTION_ALLOWANCE).await;
        assert_eq!(large.own, CONNECTION_ALLOWANCE - 1000);
        assert_eq!(budget.pool_available(), SHARED_POOL - 1000);
        let more = account.charge(5000).await;
        assert_eq!(budget.pool_available(), SHARED_POOL - 6000);
        large.shrink_to(CONNECTION_ALLOWANCE - 1000);
        assert_eq!(large.bytes(), CONNECTION_ALLOWANCE - 1000);
        assert_eq!(
            budget.pool_available(),
            SHARED_POOL - 5000,
            "the pool's share went first"
        );
        large.shrink_to(10);
        assert_eq!(
            account.own.load(Ordering::Acquire),
            CONNECTION_ALLOWANCE - 1000 - 10
        );
        drop((small, large, more));
        assert_eq!(budget.pool_available(), SHARED_POOL);
        assert_eq!(account.own.load(Ordering::Acquire), CONNECTION_ALLOWANCE);
    }

    #[tokio::test]
    async fn a_connection_past_the_pool_waits_while_others_are_served() {
        let budget = DecodeBudget::default();
        let hog = budget.account();
        let held = hog.charge(CONNECTION_ALLOWANCE + SHARED_POOL).await;
        assert_eq!(budget.pool_available(), 0);
        let waiting = hog.charge(1);
        tokio::pin!(waiting);
        assert!(
            waiting.as_mut().now_or_never().is_none(),
            "the pool is spent"
        );
        // Another connection's requests are paid from its own allowance.
        let other = budget.account().charge(64 * 1024).await;
        assert_eq!(other.bytes(), 64 * 1024);
        drop(held);
        assert_eq!(waiting.await.bytes(), 1);
    }

    #[tokio::test]
    async fn a_charge_larger_than_the_pool_takes_the_whole_pool() {
        let budget = DecodeBudget::default();
        let charge = budget.account().charge(usize::MAX / 2).await;
        assert_eq!(charge.bytes(), CONNECTION_ALLOWANCE + SHARED_POOL);
    }

    #[tokio::test]
    async fn a_charge_dropped_while_waiting_holds_nothing() {
        let budget = DecodeBudget::default();
        let account = budget.account();
        let held = budget
            .account()
            .charge(CONNECTION_ALLOWANCE + SHARED_POOL)
            .await;
        {
            let waiting = account.charge(CONNECTION_ALLOWANCE + 10);
            tokio::pin!(waiting);
            assert!(waiting.as_mut().now_or_never().is_none());
        }
        assert_eq!(account.own.load(Ordering::Acquire), CONNECTION_ALLOWANCE);
        drop(held);
        assert_eq!(budget.pool_available(), SHARED_POOL);
    }
}
