//! `roles`: which profile each role uses. `tutor` is the active profile; `infrastructure`
//! (the agent's background tasks) follows the tutor unless a profile is pinned to it.
//!
//! Bare (or `get`), it shows every role (`roles.get`); `set` points a role at a profile,
//! or lets `infrastructure` follow the tutor again (`roles.set`). For a person, the
//! profiles' names are looked up beside their ids.

use std::collections::BTreeMap;

use llm_agent_client::protocol::methods::NoParams;
use llm_agent_client::protocol::methods::catalog::{
    GetRoles, ROLES, RoleBinding, Roles, SetRole, SetRoleParams,
};
use llm_agent_client::protocol::methods::profiles::{List, ListParams};

use crate::failure::Failure;
use crate::output::Output;
use crate::remediation::same_names;
use crate::session::Session;
use crate::table::table;

const HEADERS: [&str; 4] = ["ROLE", "PROFILE", "ID", "NOTES"];

/// The role that is the active profile.
const TUTOR: &str = "tutor";

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
            output.result(&roles, |roles| render(roles, &names))
        }
        Subcommand::Set(args) => {
            let role = args.role.clone();
            let params = SetRoleParams {
                role: args.role,
                profile_id: args.profile_id,
            };
            let roles = session.call::<SetRole>(params, output, same_names).await?;
            let names = names(session, output).await;
            output.result(&roles, |roles| {
                format!(
                    "{}\n{}",
                    changed(roles, &role, &names),
                    render(roles, &names)
                )
            })
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

/// Every role in a table: the profile's name when known, its id, and how the role chose it.
fn render(roles: &Roles, names: &BTreeMap<String, String>) -> String {
    if roles.roles.is_empty() {
        return "the agent reports no roles".to_owned();
    }
    let rows: Vec<_> = roles
        .roles
        .iter()
        .map(|binding| {
            let (name, id) = match &binding.profile_id {
                Some(id) => (
                    names.get(id).cloned().unwrap_or_else(|| "?".to_owned()),
                    id.clone(),
                ),
                None => ("(none)".to_owned(), "-".to_owned()),
            };
            vec![binding.role.clone(), name, id, notes(binding).to_owned()]
        })
        .collect();
    table(&HEADERS, &rows)
}

fn notes(binding: &RoleBinding) -> &'static str {
    match (binding.role.as_str(), &binding.profile_id) {
        (TUTOR, Some(_)) => "the active profile",
        (TUTOR, None) => "no profile yet",
        (_, _) if binding.same_as_tutor => "same as tutor",
        (_, Some(_)) => "its own profile",
        (_, None) => "",
    }
}

/// What `roles set` did to `role`, in a sentence.
fn changed(roles: &Roles, role: &str, names: &BTreeMap<String, String>) -> String {
    let Some(binding) = roles.roles.iter().find(|binding| binding.role == role) else {
        return format!("{role} set");
    };
    let profile = binding.profile_id.as_deref().map(|id| match names.get(id) {
        Some(name) => format!("{name:?} ({id})"),
        None => id.to_owned(),
    });
    match (role, profile) {
        (TUTOR, Some(profile)) => format!("{profile} is now the active profile"),
        (_, Some(_)) if binding.same_as_tutor => format!("{role} now follows the tutor"),
        (_, Some(profile)) => format!("{role} now uses {profile}"),
        (_, None) if binding.same_as_tutor => format!("{role} now follows the tutor"),
        (_, None) => format!("{role} uses no profile"),
    }
}

/// The help of ROLE, listing the roles this build knows (the agent may know newer ones,
/// so any value is sent).
fn role_help() -> String {
    format!("The role: {}", ROLES.join(", "))
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Debug, Parser)]
    #[command(no_binary_name = true)]
    enum Line {
        Roles(Args),
    }

    fn parse(words: &[&str]) -> Result<Args, clap::Error> {
        let words = std::iter::once("roles").chain(words.iter().copied());
        Line::try_parse_from(words).map(|Line::Roles(args)| args)
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

    fn binding(role: &str, id: Option<&str>, same_as_tutor: bool) -> RoleBinding {
        RoleBinding {
            role: role.into(),
            profile_id: id.map(Into::into),
            same_as_tutor,
        }
    }

    #[test]
    fn roles_show_the_profile_and_how_it_was_chosen() {
        let names = BTreeMap::from([
            ("id-a".to_owned(), "Local".to_owned()),
            ("id-b".to_owned(), "Cloud".to_owned()),
        ]);
        let following = Roles {
            roles: vec![
                binding("tutor", Some("id-a"), false),
                binding("infrastructure", Some("id-a"), true),
            ],
        };
        assert_eq!(
            render(&following, &names),
            "\
ROLE            PROFILE  ID    NOTES
tutor           Local    id-a  the active profile
infrastructure  Local    id-a  same as tutor"
        );
        assert_eq!(
            changed(&following, "infrastructure", &names),
            "infrastructure now follows the tutor"
        );
        assert_eq!(
            changed(&following, "tutor", &names),
            "\"Local\" (id-a) is now the active profile"
        );

        let pinned = Roles {
            roles: vec![
                binding("tutor", Some("id-a"), false),
                binding("infrastructure", Some("id-b"), false),
            ],
        };
        assert!(
            render(&pinned, &BTreeMap::new())
                .ends_with("\ninfrastructure  ?        id-b  its own profile"),
            "{}",
            render(&pinned, &BTreeMap::new())
        );
        assert_eq!(
            changed(&pinned, "infrastructure", &names),
            "infrastructure now uses \"Cloud\" (id-b)"
        );

        let empty = Roles {
            roles: vec![
                binding("tutor", None, false),
                binding("infrastructure", None, true),
            ],
        };
        assert_eq!(
            render(&empty, &names),
            "\
ROLE            PROFILE  ID  NOTES
tutor           (none)   -   no profile yet
infrastructure  (none)   -   same as tutor"
        );
    }
}
