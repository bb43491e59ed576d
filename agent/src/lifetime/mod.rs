//! When the agent ends by itself: with a process it follows (`--exit-with-parent`), or
//! after no client has used it for a while (`--idle-exit`). Either one cancels the
//! shutdown token, so the agent stops the same graceful way as on `SIGTERM`.

pub mod idle;
pub mod parent;

use std::time::Duration;

/// The process whose exit ends the agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Followed {
    /// The process that started the agent.
    Parent,
    /// Any process, by id.
    Pid(u32),
}

/// How the agent's life is bounded, beyond signals and `agent.shutdown`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Lifetime {
    pub follow: Option<Followed>,
    pub idle_exit: Option<Duration>,
}
