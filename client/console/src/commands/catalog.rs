//! `catalog`: the providers and models the agent knows, with their prices, and the
//! learner's edits of them.
//!
//! Bare (or `list`), it shows each provider's models in a table (`catalog.list`); `upsert`,
//! `deprecate`, `reactivate`, `set-default` and `set-provider` change the learner's overlay
//! on the shipped catalog. The agent judges every value; `render` says it all for a person.

mod render;

use llm_agent_client::protocol::Method;
use llm_agent_client::protocol::methods::catalog::{
    CatalogModel, DeprecateModel, List, ListParams, ModelRef, ReactivateModel, SetDefaultModel,
    SetProvider, SetProviderParams, UpsertModel, UpsertModelParams,
};
use llm_agent_client::protocol::patch::Patch;

use self::render::ModelEdit;
use crate::failure::Failure;
use crate::output::Output;
use crate::session::Session;

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Subcommand>,
    #[command(flatten)]
    list: ListArgs,
}

#[derive(Debug, clap::Args)]
struct ListArgs {
    /// Only this provider, e.g. openai
    #[arg(long)]
    provider: Option<String>,
}

#[derive(Debug, clap::Subcommand)]
enum Subcommand {
    /// Show each provider's models: status, context, prices, where the prices come from,
    /// their date, and the provider's default (the bare `catalog` does the same)
    List(ListArgs),
    /// Add a model to a provider, or change one; what is not given stays as it is
    ///
    /// A price given here is the learner's (source `user`, dated today) and wins over the
    /// shipped one, also after an agent update.
    Upsert(UpsertArgs),
    /// Mark a model deprecated: it still works, but choosing it for a profile warns
    Deprecate(ModelArgs),
    /// Undo a deprecation
    Reactivate(ModelArgs),
    /// Make a model its provider's default: a profile created without --model gets it
    SetDefault(ModelArgs),
    /// Change a provider's settings
    SetProvider(SetProviderArgs),
}

#[derive(Debug, clap::Args)]
struct UpsertArgs {
    /// The provider, as `catalog` lists it (e.g. openai)
    provider: String,
    /// The model's id, as the provider names it (e.g. gpt-4o-mini)
    id: String,
    /// What to call it [default for a new model: its id]
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// Its context window, in tokens
    #[arg(long, value_name = "TOKENS")]
    context: Option<u64>,
    /// USD per million input tokens
    #[arg(long, value_name = "USD", allow_negative_numbers = true)]
    input_price: Option<f64>,
    /// USD per million output tokens
    #[arg(long, value_name = "USD", allow_negative_numbers = true)]
    output_price: Option<f64>,
    /// USD per million input tokens read from the provider's prompt cache
    #[arg(long, value_name = "USD", allow_negative_numbers = true)]
    cache_read_price: Option<f64>,
    /// USD per million input tokens written to the provider's prompt cache
    #[arg(long, value_name = "USD", allow_negative_numbers = true)]
    cache_write_price: Option<f64>,
}

#[derive(Debug, clap::Args)]
struct ModelArgs {
    /// The provider, as `catalog` lists it (e.g. openai)
    provider: String,
    /// The model's id, as `catalog` lists it
    model: String,
}

#[derive(Debug, clap::Args)]
struct SetProviderArgs {
    /// The provider, as `catalog` lists it (e.g. ollama)
    provider: String,
    /// How many prompt tests may talk to one of its servers at once, 1 to 32 (a
    /// profile's `parallelism` option still wins for its endpoint)
    #[arg(
        long,
        value_name = "N",
        required_unless_present = "default_parallelism",
        conflicts_with = "default_parallelism"
    )]
    parallelism: Option<u32>,
    /// Go back to the shipped parallelism
    #[arg(long)]
    default_parallelism: bool,
}

pub async fn run(session: &mut Session, args: Args, output: Output) -> Result<(), Failure> {
    match args.command.unwrap_or(Subcommand::List(args.list)) {
        Subcommand::List(ListArgs { provider }) => {
            let params = ListParams {
                provider: provider.clone(),
            };
            let catalog = session.call::<List>(params, output, console_name).await?;
            output.result(&catalog, |catalog| {
                render::catalog(catalog, provider.as_deref())
            })
        }
        Subcommand::Upsert(args) => {
            let provider = args.provider.clone();
            let params = args.into_params();
            edit_model::<UpsertModel>(session, params, &provider, ModelEdit::Saved, output).await
        }
        Subcommand::Deprecate(args) => {
            let provider = args.provider.clone();
            let model = args.into_ref();
            let edit = ModelEdit::Deprecated;
            edit_model::<DeprecateModel>(session, model, &provider, edit, output).await
        }
        Subcommand::Reactivate(args) => {
            let provider = args.provider.clone();
            let model = args.into_ref();
            let edit = ModelEdit::Reactivated;
            edit_model::<ReactivateModel>(session, model, &provider, edit, output).await
        }
        Subcommand::SetDefault(args) => {
            let params = args.into_ref();
            let provider = session
                .call::<SetDefaultModel>(params, output, console_name)
                .await?;
            output.result(&provider, render::provider_change)
        }
        Subcommand::SetProvider(args) => {
            let parallelism = match args.parallelism {
                Some(n) => Patch::Set(n),
                None => Patch::Clear,
            };
            let params = SetProviderParams {
                provider: args.provider,
                parallelism,
            };
            let provider = session
                .call::<SetProvider>(params, output, console_name)
                .await?;
            output.result(&provider, render::provider_change)
        }
    }
}

/// Makes an edit of one of `provider`'s models, and shows the model as it now is.
async fn edit_model<M: Method<Result = CatalogModel>>(
    session: &mut Session,
    params: M::Params,
    provider: &str,
    edit: ModelEdit,
    output: Output,
) -> Result<(), Failure> {
    let model = session.call::<M>(params, output, console_name).await?;
    output.result(&model, |model| render::model_change(edit, provider, model))
}

impl UpsertArgs {
    fn into_params(self) -> UpsertModelParams {
        UpsertModelParams {
            provider: self.provider,
            id: self.id,
            display_name: self.name,
            context_window: self.context,
            input_per_mtok: self.input_price,
            output_per_mtok: self.output_price,
            cache_read_per_mtok: self.cache_read_price,
            cache_write_per_mtok: self.cache_write_price,
        }
    }
}

impl ModelArgs {
    fn into_ref(self) -> ModelRef {
        ModelRef {
            provider: self.provider,
            model: self.model,
        }
    }
}

/// What a wire field is called at this console, when it differs.
fn console_name(field: &str) -> Option<&'static str> {
    match field {
        "provider" => Some("the PROVIDER argument (`llm-console catalog` lists them)"),
        "model" => Some("the MODEL argument (`llm-console catalog --provider P` lists them)"),
        "id" => Some("the ID argument"),
        "display_name" => Some("--name"),
        "context_window" => Some("--context"),
        "input_per_mtok" => Some("--input-price"),
        "output_per_mtok" => Some("--output-price"),
        "cache_read_per_mtok" => Some("--cache-read-price"),
        "cache_write_per_mtok" => Some("--cache-write-price"),
        "parallelism" => Some("--parallelism"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use llm_agent_client::protocol::WireError;

    use super::*;
    use crate::commands;
    use crate::remediation::fixtures::{told, validation_error};

    fn parse(words: &[&str]) -> Result<Args, clap::Error> {
        commands::parse_args("catalog", words)
    }

    #[test]
    fn the_bare_command_lists() {
        let bare = parse(&["--provider", "openai"]).unwrap();
        assert!(bare.command.is_none());
        assert_eq!(bare.list.provider.as_deref(), Some("openai"));
        match parse(&["list", "--provider", "ollama"]).unwrap().command {
            Some(Subcommand::List(list)) => assert_eq!(list.provider.as_deref(), Some("ollama")),
            other => panic!("not list: {other:?}"),
        }
        assert!(parse(&["deprecate", "openai", "gpt-4o", "--provider", "x"]).is_err());
    }

    #[test]
    fn upsert_sends_only_the_fields_given() {
        let Some(Subcommand::Upsert(args)) = parse(&[
            "upsert",
            "openai",
            "gpt-test",
            "--input-price",
            "0.25",
            "--context",
            "128000",
        ])
        .unwrap()
        .command
        else {
            panic!("not upsert")
        };
        assert_eq!(
            args.into_params(),
            UpsertModelParams {
                provider: "openai".into(),
                id: "gpt-test".into(),
                context_window: Some(128_000),
                input_per_mtok: Some(0.25),
                ..UpsertModelParams::default()
            }
        );
        assert!(parse(&["upsert", "openai", "m", "--input-price", "cheap"]).is_err());
        assert!(parse(&["upsert", "openai"]).is_err());
    }

    #[test]
    fn set_provider_takes_a_parallelism_or_the_default() {
        let Some(Subcommand::SetProvider(args)) =
            parse(&["set-provider", "ollama", "--parallelism", "2"])
                .unwrap()
                .command
        else {
            panic!("not set-provider")
        };
        assert_eq!(
            (args.provider.as_str(), args.parallelism),
            ("ollama", Some(2))
        );
        let Some(Subcommand::SetProvider(args)) =
            parse(&["set-provider", "ollama", "--default-parallelism"])
                .unwrap()
                .command
        else {
            panic!("not set-provider")
        };
        assert!(args.default_parallelism);
        assert!(parse(&["set-provider", "ollama"]).is_err());
        assert!(
            parse(&[
                "set-provider",
                "ollama",
                "--parallelism",
                "2",
                "--default-parallelism"
            ])
            .is_err()
        );
    }

    #[test]
    fn failing_fields_are_named_by_their_flags() {
        let wire = validation_error(&[(
            "input_per_mtok",
            "invalid",
            "Give a price from 0 to 10000 USD per million tokens.",
        )]);
        let failure = told(wire, console_name);
        assert_eq!(
            failure.remediation(),
            Some(
                "input_per_mtok: Give a price from 0 to 10000 USD per million tokens.\n  \
                 Here, `input_per_mtok` is --input-price."
            )
        );

        let unknown = WireError::invalid_params(Some("provider"), "no provider named \"x\"");
        let failure = told(unknown, console_name);
        assert_eq!(
            failure.remediation(),
            Some("Here, `provider` is the PROVIDER argument (`llm-console catalog` lists them).")
        );
    }
}
