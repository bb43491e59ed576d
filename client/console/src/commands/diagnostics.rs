//! `diagnostics`: a query of the agent's recent diagnostics events
//! (`diagnostics.query`); `render` shows them in a table, as `events` shows live ones.

pub mod render;

use llm_agent_client::protocol::methods::diagnostics::{MAX_QUERY_LIMIT, Query, QueryParams};

use crate::failure::Failure;
use crate::output::Output;
use crate::session::Session;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only the events of this correlation ID
    #[arg(long, value_name = "ID")]
    correlation_id: Option<String>,
    /// Only the events of this method, e.g. agent.status
    #[arg(long)]
    method: Option<String>,
    /// Only the events with this result: OK or an error code
    #[arg(long)]
    result: Option<String>,
    /// How many of the most recent matching events to show [default: 100]
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_QUERY_LIMIT)))]
    limit: Option<u32>,
}

pub async fn run(session: &mut Session, args: Args, output: Output) -> Result<(), Failure> {
    let params = QueryParams {
        correlation_id: args.correlation_id,
        method: args.method,
        result: args.result,
        limit: args.limit,
    };
    let result = session.client().await?.call::<Query>(params).await?;
    output.result(&result, render::query_result)
}
