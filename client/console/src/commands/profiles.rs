//! `profiles`: list, show, create, change, delete, activate and test the learner's LLM
//! profiles.
//!
//! `edit` turns flags into create params and update patches; `prompt` asks a person for an
//! API key (never taken from argv, which `ps` shows to every user) and for confirmation;
//! `render` shows results to a person; `test` runs a prompt test and shows how it went.

pub(crate) mod edit;
mod prompt;
pub(crate) mod render;
mod test;

use llm_agent_client::protocol::methods::NoParams;
use llm_agent_client::protocol::methods::profiles::{
    Activate, Create, Delete, DeleteParams, Get, IdParams, List, ListParams, ProfileResult,
    ResetSecrets, Update, UpdateParams,
};

use crate::failure::Failure;
use crate::output::Output;
use crate::remediation::same_names;
use crate::session::Session;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Subcommand,
}

#[derive(Debug, clap::Subcommand)]
enum Subcommand {
    /// List the profiles, which one is active, and how safe storage is doing
    List {
        /// Only the profiles of this provider, e.g. ollama
        #[arg(long)]
        provider: Option<String>,
    },
    /// Show one profile
    Get {
        /// The profile's id, as `list` shows it
        id: String,
    },
    /// Create a profile; the first one becomes the active profile
    Create(edit::CreateArgs),
    /// Change some fields of a profile; the others stay as they are
    ///
    /// Any of --label, --notes and --option replaces all the metadata: repeat what should
    /// stay.
    Update(edit::UpdateArgs),
    /// Delete a profile
    Delete {
        /// The profile's id, as `list` shows it
        id: String,
        /// The profile that becomes active instead; needed to delete the active profile
        /// while others exist
        #[arg(long, value_name = "ID")]
        successor: Option<String>,
    },
    /// Make a profile the active one
    Activate {
        /// The profile's id, as `list` shows it
        id: String,
    },
    /// Send a short prompt to a profile's model and show how it went
    ///
    /// Shows the reply's start, the HTTP status, the attempts and how long each stage took.
    /// Ctrl-C cancels the test. The global --timeout-ms is the test's timeout (at most
    /// 30000). Exits 1 when the test fails.
    Test(test::Args),
    /// Drop the stored API keys that can no longer be decrypted, keeping everything else
    ///
    /// Only for when safe storage reports its key missing (the OS keyring lost it). The
    /// profiles stay; give them their keys again with `update ID --with-api-key`.
    ResetSecrets {
        /// Do not ask for confirmation
        #[arg(long)]
        yes: bool,
    },
}

impl Args {
    /// Whether this is `profiles test`, which Ctrl-C cancels.
    pub fn is_test(&self) -> bool {
        matches!(self.command, Subcommand::Test(_))
    }
}

pub async fn run(session: &mut Session, args: Args, output: Output) -> Result<(), Failure> {
    match args.command {
        Subcommand::List { provider } => {
            let params = ListParams {
                provider: provider.clone(),
                ..ListParams::default()
            };
            let result = session.call::<List>(params, output, same_names).await?;
            output.result(&result, |result| render::list(result, provider.as_deref()))
        }
        Subcommand::Get { id } => {
            let profile = session
                .call::<Get>(IdParams { id }, output, same_names)
                .await?;
            output.result(&profile, render::profile)
        }
        Subcommand::Create(args) => {
            let params = args.into_params(prompt::api_key).await?;
            let result = session.call::<Create>(params, output, same_names).await?;
            show_change(output, "created", &result)
        }
        Subcommand::Update(args) => {
            let id = args.id.clone();
            let patch = args.into_patch(prompt::api_key).await?;
            let result = session
                .call::<Update>(UpdateParams { id, patch }, output, same_names)
                .await?;
            show_change(output, "updated", &result)
        }
        Subcommand::Delete { id, successor } => {
            let params = DeleteParams {
                id,
                successor_id: successor,
            };
            let result = session.call::<Delete>(params, output, same_names).await?;
            output.result(&result, render::deleted)
        }
        Subcommand::Activate { id } => {
            let result = session
                .call::<Activate>(IdParams { id }, output, same_names)
                .await?;
            output.result(&result, render::activated)
        }
        Subcommand::Test(args) => test::run(session, args, output).await,
        Subcommand::ResetSecrets { yes } => {
            if !yes && !prompt::confirm(render::RESET_SECRETS_QUESTION).await? {
                output.note("nothing was reset");
                return Ok(());
            }
            let result = session
                .call::<ResetSecrets>(NoParams {}, output, same_names)
                .await?;
            output.result(&result, render::reset_secrets)
        }
    }
}

/// A created or updated profile, with the agent's warnings on stderr for a person (the
/// JSON document carries them).
pub(crate) fn show_change(
    output: Output,
    done: &str,
    result: &ProfileResult,
) -> Result<(), Failure> {
    output.result(result, |result| render::change(done, result))?;
    for warning in &result.warnings {
        output.note(&format!("warning: {}", warning.message));
    }
    Ok(())
}
