//! `roles`: which profile each role uses. `tutor` is the active profile; `infrastructure`
//! (the agent's background tasks) follows the tutor unless a profile is pinned to it.
//!
//! Bare (or `get`), it shows every role (`roles.get`); `set` points a role at a profile,
//! or lets `infrastructure` follow the tutor again (`roles.set`). For a person, the
//! profiles' names are looked up beside their ids; `render` shows the roles with them.

mod render;

use std::collections::BTreeMap;

use llm_agent_client::protocol::methods::NoParams;
use llm_agent_client::protocol::methods::catalog::{GetRoles, ROLES, SetRole, SetRoleParams};
use llm_agent_client::protocol::methods::profiles::{List, ListParams};

use crate::failure::Failure;
use crate::output::Output;
use crate::remediation::same_names;
use crate::session::Session;

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Subcommand>,
}

#[derive(Debug, clap::Subcommand)]
enum Subcommand {
    /// Show the profile each role uses (the bare `roles` does the same)
    Get,
    /// Point a role at a profile
    ///
    /// `tutor` makes the profile the active one. `infrastructure` keeps the profile for
    /// the agent's background tasks; with --same-as-tutor it follows the tutor again, so
    /// the model already loaded is reused.
    Set(SetArgs),
}

#[derive(Debug, clap::Args)]
struct SetArgs {
    #[arg(help = role_help())]
    role: String,
    /// The profile's id, as `profiles list` shows it
    #[arg(
        required_unless_present = "same_as_tutor",
        conflicts_with = "same_as_tutor"
    )]
    profile_id: Option<String>,
    /// Follow the tutor instead of a profile of its own (infrastructure only)
    #[arg(long)]
    same_as_tutor: bool,
}

pub async fn run(session: &mut Session, args: Args, output: Output) -> Result<(), Failure> {
    match args.command.unwrap_or(Subcommand::Get) {
        Subcommand::Get => {
            let roles = session
                .call::<GetRoles>(NoParams {}, output, same_names)
                .await?;
            let names = names(session, output).await;
            output.result(&roles, |roles| render::roles(roles, &names))
        }
        Subcommand::Set(args) => {
            let role = args.role.clone();
            let params = SetRoleParams {
                role: args.role,
                profile_id: args.profile_id,
            };
            let roles = session.call::<SetRole>(params, output, same_names).await?;
            let names = names(session, output).await;
            output.result(&roles, |roles| render::set(roles, &role, &names))
        }
    }
}

/// The profiles' names by id, for a person; none for a script, or when the list fails
/// (the ids still say it all).
async fn names(session: &mut Session, output: Output) -> BTreeMap<String, String> {
    if output.is_json() {
        return BTreeMap::new();
    }
    let Ok(client) = session.client().await else {
        return BTreeMap::new();
    };
    match client.call::<List>(ListParams::default()).await {
        Ok(list) => list
            .profiles
            .into_iter()
            .map(|profile| (profile.id, profile.name))
            .collect(),
        Err(_) => BTreeMap::new(),
    }
}

/// The help of ROLE, listing the roles this build knows (the agent may know newer ones,
/// so any value is sent).
fn role_help() -> String {
    format!("The role: {}", ROLES.join(", "))
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::commands;

    fn parse(words: &[&str]) -> Result<Args, clap::Error> {
        commands::parse_args("roles", words)
    }

    #[test]
    fn set_takes_a_profile_or_follows_the_tutor() {
        assert!(parse(&[]).unwrap().command.is_none());
        assert!(matches!(
            parse(&["get"]).unwrap().command,
            Some(Subcommand::Get)
        ));
        let Some(Subcommand::Set(pinned)) =
            parse(&["set", "infrastructure", "id-1"]).unwrap().command
        else {
            panic!("not set")
        };
        assert_eq!(pinned.profile_id.as_deref(), Some("id-1"));
        let Some(Subcommand::Set(follows)) = parse(&["set", "infrastructure", "--same-as-tutor"])
            .unwrap()
            .command
        else {
            panic!("not set")
        };
        assert_eq!(follows.profile_id, None);
        assert!(follows.same_as_tutor);
        assert!(parse(&["set", "infrastructure"]).is_err());
        assert!(parse(&["set", "infrastructure", "id-1", "--same-as-tutor"]).is_err());
    }
}
