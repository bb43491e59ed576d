//! Discovery: finding the model servers running on this machine (and on hosts the user
//! configured) by what they answer, and telling existing profiles what disagrees with
//! them.
//!
//! - [`table`]: each kind of server, its default ports and the requests that identify it;
//! - [`fingerprint`]: which kind answered, from the shape of the answers, and the
//!   precedence between kinds that imitate each other;
//! - [`sweep`]: one bounded, parallel sweep of every address;
//! - [`finding`]: what a sweep reports, with duplicates collapsed;
//! - [`reconcile`]: the conflicts between findings and profiles.
//!
//! A sweep touches the addresses of the table on the loopback interface, and the extra
//! endpoints it is given; nothing else.

pub mod actor;
pub mod adopt;
pub mod error;
pub mod finding;
pub mod fingerprint;
pub mod reconcile;
pub mod schedule;
pub mod settings;
pub mod sweep;
pub mod table;

pub use finding::{
    Conflict, ConflictClass, DiscoveryFinding, OfferedModel, ProbeError, Remediation,
};
pub use reconcile::reconcile;
pub use sweep::{DEFAULT_BUDGET, SweepOptions, SweepReport, sweep};
pub use table::ProbeTable;
