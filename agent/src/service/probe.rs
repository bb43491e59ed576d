//! Whether an agent answers on a socket: `hello`, then `agent.status`, over a blocking
//! connection, within a short limit. The service commands run outside the agent, with
//! no runtime, and must not hang on an agent that accepts but never answers.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use interprocess::local_socket::traits::Stream as _;
use interprocess::local_socket::{GenericFilePath, Stream, ToFsName};
use llm_agent_protocol::envelope::{self, Envelope, Request, Response};
use llm_agent_protocol::methods::agent::{AgentStatus, Status};
use llm_agent_protocol::methods::handshake::{ClientInfo, Hello, HelloParams};
use llm_agent_protocol::methods::{Method, NoParams};
use llm_agent_protocol::{DEFAULT_MAX_FRAME_LEN, PROTOCOL_VERSION, frame, value};

/// How long an agent has to answer both requests.
const PROBE_LIMIT: Duration = Duration::from_secs(2);

/// The status of the agent on `socket`, if one answers in time.
pub fn agent_status(socket: &Path) -> Option<AgentStatus> {
    let socket = socket.to_owned();
    let (answer, answered) = mpsc::channel();
    // A thread, so a silent agent costs the limit and no more; it ends with the process.
    std::thread::Builder::new()
        .name("service-probe".into())
        .spawn(move || {
            let _ = answer.send(ask(&socket));
        })
        .ok()?;
    answered.recv_timeout(PROBE_LIMIT).ok().flatten()
}

fn ask(socket: &Path) -> Option<AgentStatus> {
    let name = socket.to_fs_name::<GenericFilePath>().ok()?;
    let mut stream = Stream::connect(name).ok()?;
    let hello = HelloParams {
        protocol: PROTOCOL_VERSION,
        client: ClientInfo {
            name: "llm-agent service".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        locales: Vec::new(),
    };
    call::<Hello>(&mut stream, 1, hello)?;
    call::<Status>(&mut stream, 2, NoParams::default())
}

/// One request and its answer, if it is a success.
fn call<M: Method>(stream: &mut Stream, id: u64, params: M::Params) -> Option<M::Result> {
    let request = Envelope::Request(Request {
        id,
        method: M::NAME.to_owned(),
        params,
        correlation_id: None,
    });
    let body = envelope::encode(&request).ok()?;
    frame::write_frame(stream, &body, DEFAULT_MAX_FRAME_LEN).ok()?;
    let answer = frame::read_frame(stream, DEFAULT_MAX_FRAME_LEN).ok()??;
    let Envelope::Response(Response {
        result: Some(result),
        error: None,
        ..
    }) = envelope::decode::<Envelope>(&answer).ok()?
    else {
        return None;
    };
    value::from_value(&result).ok()
}
