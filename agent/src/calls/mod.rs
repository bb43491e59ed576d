//! Model calls: the machinery every call to a provider shares, whether a prompt test
//! (`prompt_test/`) or a chat call (`chat/`), which are thin on top.
//!
//! - [`actor`]: the calls actor, which owns one governor per endpoint and starts each
//!   call as a task; and [`CallsHandle`](actor::CallsHandle);
//! - [`governor`]: one endpoint's limit, its two queues (interactive before background,
//!   neither starving) and their bound;
//! - [`models`]: the models a profile's server offers (`profiles.models`), cached;
//! - [`prepare`]: a profile made ready to call: consent, its key, its endpoint's
//!   parallelism, its pricing;
//! - [`run`]: one call, from its turn in the queue to its report, with retries whose
//!   backoff holds no slot, and its text passed on as deltas;
//! - [`io`]: the provider I/O thread, where every provider request runs, off the
//!   runtime that serves the socket;
//! - [`error`]: why a call could not start (no consent, an unreadable key, the actor
//!   restarting, a full queue).

pub mod actor;
pub mod error;
pub mod governor;
pub mod io;
pub mod models;
pub mod prepare;
pub mod run;
