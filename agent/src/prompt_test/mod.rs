//! Prompt tests: a short prompt sent to a profile's model to show that it answers.
//!
//! - [`actor`]: the prompt-test actor, which starts each test as a task of its own;
//! - [`governor`]: one queue per provider endpoint, bounding requests in flight;
//! - [`run`]: one test, from its turn in the queue to its outcome, with retries;
//! - [`failure`]: what went wrong, as a typed code with a remediation.

pub mod actor;
pub mod error;
pub mod failure;
pub mod governor;
pub mod prepare;
pub mod run;
