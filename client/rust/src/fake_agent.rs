//! A scriptable stand-in for the agent, for unit tests: a Unix listener in a temp dir whose
//! test reads each frame the client sends and writes back exactly the frames it wants, in
//! the order and grouping it wants. Unix only, like the tests that use it.

use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use llm_agent_protocol::envelope::{self, Envelope, Request, Response};
use llm_agent_protocol::methods::Method;
use llm_agent_protocol::methods::handshake::{Hello, HelloResult, ProtocolRange};
use llm_agent_protocol::{DEFAULT_MAX_FRAME_LEN, Event, FrameCodec, PROTOCOL_VERSION, WireError};
use serde::Serialize;
use tokio::io::AsyncWriteExt;
use tokio::net::unix::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{UnixListener, UnixStream};
use tokio_util::codec::FramedRead;

use crate::test_bodies::value_body;
use crate::{Client, Connector};

pub(crate) struct FakeAgent {
    _dir: tempfile::TempDir,
    socket: PathBuf,
    listener: UnixListener,
}

impl FakeAgent {
    pub(crate) fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("agent.sock");
        let listener = UnixListener::bind(&socket).unwrap();
        Self {
            _dir: dir,
            socket,
            listener,
        }
    }

    pub(crate) fn socket(&self) -> &Path {
        &self.socket
    }

    pub(crate) fn connector(&self) -> Connector {
        Connector::new().socket(&self.socket)
    }

    pub(crate) async fn accept(&self) -> Peer {
        let (stream, _) = self.listener.accept().await.unwrap();
        Peer::new(stream)
    }

    /// Accepts one client and answers its `hello`.
    pub(crate) async fn accept_greeted(&self) -> Peer {
        let mut peer = self.accept().await;
        let hello = peer.recv_request().await;
        assert_eq!(hello.method, Hello::NAME);
        peer.send(&ok(hello.id, hello_result())).await;
        peer
    }

    /// A connected client and the agent's end of its connection.
    pub(crate) async fn connected(&self) -> (Client, Peer) {
        self.connected_with(self.connector()).await
    }

    pub(crate) async fn connected_with(&self, connector: Connector) -> (Client, Peer) {
        let (client, peer) = tokio::join!(connector.connect(), self.accept_greeted());
        (client.unwrap(), peer)
    }
}

/// The agent's end of one connection.
pub(crate) struct Peer {
    frames: FramedRead<OwnedReadHalf, FrameCodec>,
    writer: OwnedWriteHalf,
}

impl Peer {
    fn new(stream: UnixStream) -> Self {
        let (reader, writer) = stream.into_split();
        Self {
            frames: FramedRead::new(reader, FrameCodec::default()),
            writer,
        }
    }

    /// The next message from the client, or `None` once it has closed.
    pub(crate) async fn recv(&mut self) -> Option<Envelope> {
        let body = self.frames.next().await?.unwrap();
        Some(envelope::decode(&body).unwrap())
    }

    pub(crate) async fn recv_request(&mut self) -> Request {
        match self.recv().await {
            Some(Envelope::Request(request)) => request,
            other => panic!("expected a request, got {other:?}"),
        }
    }

    pub(crate) async fn send<P: Serialize>(&mut self, message: &Envelope<P>) {
        self.send_together(&[frame(message)]).await;
    }

    /// Writes several frames with one write, so the client reads them in one go.
    pub(crate) async fn send_together(&mut self, frames: &[Vec<u8>]) {
        self.writer.write_all(&frames.concat()).await.unwrap();
    }

    pub(crate) async fn send_raw(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).await.unwrap();
    }
}

pub(crate) fn frame<P: Serialize>(message: &Envelope<P>) -> Vec<u8> {
    envelope::encode_frame(message, DEFAULT_MAX_FRAME_LEN).unwrap()
}

/// A frame holding exactly `value`: for messages no typed envelope writes, with fields
/// missing or in another order.
pub(crate) fn value_frame(value: &rmpv::Value) -> Vec<u8> {
    llm_agent_protocol::frame::encode_frame(&value_body(value), DEFAULT_MAX_FRAME_LEN).unwrap()
}

pub(crate) fn ok<R: Serialize>(id: u64, result: R) -> Envelope<R> {
    Envelope::Response(Response::ok(id, format!("corr-{id}"), result))
}

pub(crate) fn err(id: Option<u64>, error: WireError) -> Envelope {
    Envelope::Response(Response::err(id, "corr-err".into(), error))
}

pub(crate) fn event<D: Serialize>(
    subscription: u64,
    topic: &str,
    seq: u64,
    data: D,
) -> Envelope<D> {
    Envelope::Event(Event {
        subscription,
        topic: topic.into(),
        seq,
        data,
    })
}

pub(crate) fn hello_result() -> HelloResult {
    HelloResult {
        agent_version: "9.9.9".into(),
        protocol: PROTOCOL_VERSION,
        supported_protocols: ProtocolRange {
            min: PROTOCOL_VERSION,
            max: PROTOCOL_VERSION,
        },
        capabilities: vec![Hello::NAME.into()],
        max_frame_len: DEFAULT_MAX_FRAME_LEN,
        max_in_flight: 64,
        locale: None,
    }
}
