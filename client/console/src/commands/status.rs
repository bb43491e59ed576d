//! `status`: what the agent is and how it is doing (`agent.status`); `render` says it for
//! a person.

mod render;

use llm_agent_client::protocol::methods::NoParams;
use llm_agent_client::protocol::methods::agent::Status;

use crate::failure::Failure;
use crate::output::Output;
use crate::session::Session;

pub async fn run(session: &mut Session, output: Output) -> Result<(), Failure> {
    let status = session.client().await?.call::<Status>(NoParams {}).await?;
    output.result(&status, render::status)
}
