//! `usage`: what model calls cost, from the agent's durable totals: per day, per
//! profile and per role, over a range of days (UTC), with each profile's daily cap.
//! `usage cap PROFILE_ID USD` sets a cap (`--remove` lifts it). `render` lays the totals
//! out.

mod render;

use llm_agent_client::protocol::methods::usage::{SetCap, SetCapParams, Summary, SummaryParams};

use crate::failure::Failure;
use crate::output::Output;
use crate::remediation::same_names;
use crate::session::Session;

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Subcommand>,
    /// The first day, YYYY-MM-DD (UTC); default: --to
    #[arg(long)]
    from: Option<String>,
    /// The last day, YYYY-MM-DD (UTC); default: today
    #[arg(long)]
    to: Option<String>,
}

#[derive(Debug, clap::Subcommand)]
enum Subcommand {
    /// Set a profile's daily spending cap in USD, or lift it with --remove
    ///
    /// Once a day's known costs reach the cap, calls to the profile are refused until
    /// the next day (UTC).
    Cap(CapArgs),
}

#[derive(Debug, clap::Args)]
struct CapArgs {
    /// The profile's id, as `profiles list` shows it
    profile_id: String,
    /// The cap in USD
    #[arg(required_unless_present = "remove", conflicts_with = "remove")]
    usd: Option<f64>,
    /// Lift the cap
    #[arg(long)]
    remove: bool,
}

pub async fn run(session: &mut Session, args: Args, output: Output) -> Result<(), Failure> {
    match args.command {
        None => {
            let params = SummaryParams {
                from: args.from,
                to: args.to,
            };
            let summary = session.call::<Summary>(params, output, same_names).await?;
            output.result(&summary, render::summary)
        }
        Some(Subcommand::Cap(cap)) => {
            let params = SetCapParams {
                profile_id: cap.profile_id,
                daily_cap_usd: cap.usd,
            };
            let usage = session.call::<SetCap>(params, output, same_names).await?;
            output.result(&usage, render::cap)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::parse_args;

    #[test]
    fn a_range_or_a_cap() {
        assert!(parse_args::<Args>("usage", &["--from", "2026-01-01"]).is_ok());
        assert!(parse_args::<Args>("usage", &["cap", "id", "2.5"]).is_ok());
        assert!(parse_args::<Args>("usage", &["cap", "id", "--remove"]).is_ok());
        assert!(parse_args::<Args>("usage", &["cap", "id"]).is_err());
        assert!(parse_args::<Args>("usage", &["cap", "id", "1", "--remove"]).is_err());
    }
}
