//! Prompt tests: a short prompt sent to a profile's model to show that it answers.
//!
//! - [`actor`]: the prompt-test actor, which starts each test as a task of its own;
//! - [`governor`]: one queue per provider endpoint, bounding requests in flight;
//! - [`prepare`]: a test's params checked and its target, key and limit resolved;
//! - [`run`]: one test, from its turn in the queue to its outcome, with retries;
//! - [`error`]: why a test could not run at all (a provider's failure is in its outcome,
//!   typed by `providers::failure`).

pub mod actor;
pub mod error;
pub mod governor;
pub mod prepare;
pub mod run;
