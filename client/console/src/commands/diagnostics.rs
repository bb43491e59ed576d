//! `diagnostics`: a query of the agent's diagnostics events, from its journal on disk
//! and its memory, across restarts (`diagnostics.query`); `diagnostics export FILE`
//! writes a support bundle (`diagnostics.export`). `render` shows them for a person, as
//! `events` shows live ones.

pub mod render;

use std::path::PathBuf;

use llm_agent_client::protocol::events::DiagnosticsKind;
use llm_agent_client::protocol::methods::diagnostics::{
    Export, ExportParams, MAX_QUERY_LIMIT, Query, QueryParams,
};

use crate::failure::Failure;
use crate::output::Output;
use crate::session::Session;

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Subcommand>,
    /// Boxed: the filters are most of a command's size.
    #[command(flatten)]
    query: Box<QueryArgs>,
}

#[derive(Debug, clap::Subcommand)]
enum Subcommand {
    /// Write a support bundle: the agent's status, platform, safe storage, settings,
    /// profiles (without names, keys or hints) and the events of a time range
    ///
    /// The bundle holds no secret, prompt, reply or API-key hint; it is safe to send to
    /// support.
    Export(ExportArgs),
}

/// The options of the bare `diagnostics`.
#[derive(Debug, clap::Args)]
struct QueryArgs {
    /// Only the events of this correlation ID
    #[arg(long, value_name = "ID")]
    correlation_id: Option<String>,
    /// Only the events of this method, e.g. agent.status
    #[arg(long)]
    method: Option<String>,
    /// Only the events with this result: OK or an error code
    #[arg(long)]
    result: Option<String>,
    /// Only the events about this profile
    #[arg(long, value_name = "ID")]
    profile: Option<String>,
    /// Only the events of this kind: request, prompt_test, agent_started, ...
    #[arg(long, value_parser = parse_kind)]
    kind: Option<DiagnosticsKind>,
    /// Only the events recorded at or after this RFC 3339 time
    #[arg(long, value_name = "TIME")]
    since: Option<String>,
    /// Only the events recorded before this RFC 3339 time
    #[arg(long, value_name = "TIME")]
    until: Option<String>,
    /// The page before the one that printed this cursor
    #[arg(long)]
    cursor: Option<String>,
    /// How many of the most recent matching events to show [default: 100]
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_QUERY_LIMIT)))]
    limit: Option<u32>,
}

#[derive(Debug, clap::Args)]
struct ExportArgs {
    /// Where to write the bundle (a JSON file)
    file: PathBuf,
    /// Only the events recorded at or after this RFC 3339 time
    #[arg(long, value_name = "TIME")]
    since: Option<String>,
    /// Only the events recorded before this RFC 3339 time
    #[arg(long, value_name = "TIME")]
    until: Option<String>,
    /// Replace the file if it exists
    #[arg(long)]
    overwrite: bool,
}

fn parse_kind(text: &str) -> Result<DiagnosticsKind, String> {
    serde_json::from_value::<DiagnosticsKind>(serde_json::Value::String(text.to_owned()))
        .ok()
        .filter(|kind| *kind != DiagnosticsKind::Unknown)
        .ok_or_else(|| "not a kind of diagnostics event".to_owned())
}

pub async fn run(session: &mut Session, args: Args, output: Output) -> Result<(), Failure> {
    match args.command {
        Some(Subcommand::Export(export)) => run_export(session, export, output).await,
        None => run_query(session, *args.query, output).await,
    }
}

async fn run_query(session: &mut Session, args: QueryArgs, output: Output) -> Result<(), Failure> {
    let params = QueryParams {
        correlation_id: args.correlation_id,
        method: args.method,
        result: args.result,
        limit: args.limit,
        profile_id: args.profile,
        kind: args.kind,
        since: args.since,
        until: args.until,
        cursor: args.cursor,
    };
    let result = session.client().await?.call::<Query>(params).await?;
    output.result(&result, render::query_result)
}

async fn run_export(
    session: &mut Session,
    args: ExportArgs,
    output: Output,
) -> Result<(), Failure> {
    // The agent runs elsewhere: it is given the file as this shell means it.
    let file = std::path::absolute(&args.file).map_err(|e| {
        Failure::Usage(format!("cannot tell where {} is: {e}", args.file.display()))
    })?;
    let params = ExportParams {
        path: file.display().to_string(),
        since: args.since,
        until: args.until,
        overwrite: args.overwrite,
    };
    let result = session.client().await?.call::<Export>(params).await?;
    output.result(&result, render::export_result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::parse_args;

    #[test]
    fn export_takes_a_file_and_a_range() {
        let args: Args = parse_args(
            "diagnostics",
            &["export", "bundle.json", "--since", "2026-01-01T00:00:00Z"],
        )
        .unwrap();
        let Some(Subcommand::Export(export)) = args.command else {
            panic!("export");
        };
        assert_eq!(export.file, PathBuf::from("bundle.json"));
        assert_eq!(export.since.as_deref(), Some("2026-01-01T00:00:00Z"));
        assert!(!export.overwrite);
        let query: Args =
            parse_args("diagnostics", &["--kind", "prompt_test", "--limit", "5"]).unwrap();
        assert_eq!(query.query.kind, Some(DiagnosticsKind::PromptTest));
        assert!(parse_args::<Args>("diagnostics", &["--kind", "nonsense"]).is_err());
    }
}
