//! `call`: any request by method name, JSON params in and JSON result out.

use llm_agent_client::CallOptions;

use crate::failure::Failure;
use crate::json::{self, to_json};
use crate::output::Output;
use crate::session::Session;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The method, e.g. agent.status
    method: String,
    /// The params as JSON [default: {}]
    params: Option<String>,
    /// Sent as the request's correlation ID
    #[arg(long, value_name = "ID")]
    correlation_id: Option<String>,
}

impl Args {
    /// A REPL line's `METHOD [JSON]`, where the JSON may contain spaces.
    pub fn from_line(line: &str) -> Self {
        let (method, params) = match line.trim().split_once(char::is_whitespace) {
            Some((method, params)) => (method, Some(params.trim().to_owned())),
            None => (line.trim(), None),
        };
        Self {
            method: method.to_owned(),
            params,
            correlation_id: None,
        }
    }
}

pub async fn run(session: &mut Session, args: Args, output: Output) -> Result<(), Failure> {
    let params = match args.params.as_deref() {
        Some(text) => json::parse(text).map_err(Failure::Usage)?,
        None => rmpv::Value::Map(Vec::new()),
    };
    let options = CallOptions {
        correlation_id: args.correlation_id,
        timeout: None,
    };
    let reply = session
        .client()
        .await?
        .call_raw(&args.method, params, options)
        .await?;
    let result = to_json(&reply.result);
    if output.is_json() {
        return output.json_line(&result);
    }
    let pretty = serde_json::to_string_pretty(&result)
        .map_err(|err| Failure::io("could not format the result", err.into()))?;
    output.text(&pretty)?;
    output.note(&format!("correlation id: {}", reply.correlation_id));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repl_line_keeps_spaces_inside_the_json() {
        let args = Args::from_line(r#"diagnostics.query {"limit": 5, "method": "hello"}"#);
        assert_eq!(args.method, "diagnostics.query");
        assert_eq!(
            args.params.as_deref(),
            Some(r#"{"limit": 5, "method": "hello"}"#)
        );
        let args = Args::from_line("agent.status");
        assert_eq!(args.method, "agent.status");
        assert_eq!(args.params, None);
    }
}
