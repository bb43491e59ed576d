//! The session the commands share: one connection to the agent, made on first use and
//! made again when the agent went away.

use std::time::Duration;

use llm_agent_client::protocol::Method;
use llm_agent_client::protocol::methods::NoParams;
use llm_agent_client::protocol::methods::agent::Status;
use llm_agent_client::{CallOptions, Client, ClientError, Connector};

use crate::failure::Failure;
use crate::output::Output;
use crate::remediation::{self, FieldNames};

/// How much longer than an operation's own deadline (a prompt test's timeout, a
/// sweep's budget) the console waits for the agent's answer: the agent ends the operation
/// at its deadline and must have the time to say so.
pub const ANSWER_GRACE_MS: u64 = 5_000;

/// How long [`Session::flush`] waits for the agent.
const FLUSH_TIMEOUT: Duration = Duration::from_secs(1);

/// The connection the commands use, made on first use and remade if the agent went away
/// (the REPL outlives agent restarts). A command checks its input before it asks for the
/// client, so a usage error never waits on the agent.
pub struct Session {
    connector: Connector,
    client: Option<Client>,
    timeout_ms: Option<u64>,
}

impl Session {
    pub fn new(connector: Connector, timeout_ms: Option<u64>) -> Self {
        Self {
            connector,
            client: None,
            timeout_ms,
        }
    }

    /// The `--timeout-ms` given on the command line, if any.
    pub fn timeout_ms(&self) -> Option<u64> {
        self.timeout_ms
    }

    /// Makes sure the agent has read every frame queued so far, such as the cancel of a
    /// call dropped at Ctrl-C. The connection task writes them only when the runtime next
    /// runs it, which it never does once the process exits; the agent reads a connection's
    /// frames in order, so its answer to one more request proves it has read them.
    pub async fn flush(&self) {
        let Some(client) = &self.client else {
            return;
        };
        if client.disconnect_reason().is_some() {
            return;
        }
        let options = CallOptions::default().timeout(FLUSH_TIMEOUT);
        // Any answer, an error included, proves the point; none in time means the agent
        // is not reading, and waiting longer would not change that.
        let _ = client.call_with::<Status>(NoParams {}, options).await;
    }

    pub async fn client(&mut self) -> Result<&Client, ClientError> {
        let usable = self
            .client
            .as_ref()
            .is_some_and(|client| client.disconnect_reason().is_none());
        if !usable {
            self.client = None;
        }
        match &mut self.client {
            Some(client) => Ok(client),
            slot @ None => Ok(slot.insert(self.connector.connect().await?)),
        }
    }

    /// Calls `M`, with the agent's error told as [`remediation::failure`] tells it: `names`
    /// says what the command's flags call the fields.
    pub async fn call<M: Method>(
        &mut self,
        params: M::Params,
        output: Output,
        names: FieldNames,
    ) -> Result<M::Result, Failure> {
        let client = self.client().await?;
        let result = client.call::<M>(params).await;
        result.map_err(|err| remediation::failure(err, output, names))
    }
}
