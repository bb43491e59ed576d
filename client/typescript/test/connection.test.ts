/**
 * The connection against a scripted agent on a real socket: the handshake, responses out
 * of order, ids that answer nothing, cancel frames on abort and timeout, the in-flight
 * bound, and every way a peer can misbehave (a frame over the limit, garbage, a refused
 * or mismatched protocol, a hang-up with calls pending).
 */

import assert from "node:assert/strict";
import { once } from "node:events";
import { test } from "node:test";

import {
  AgentClient,
  AgentError,
  AgentUnavailableError,
  DEFAULT_MAX_FRAME_LEN,
  DisconnectedError,
  InvalidResponseError,
  ProtocolMismatchError,
  RequestTimeoutError,
  RequestTooLargeError,
} from "../src/index.js";
import { encodeMessageFrame } from "../src/codec.js";
import { connectedTest, FakeAgent, HELLO_RESULT, type Message, withConnected } from "./support/fake-agent.js";

const STATUS = { version: "9.9.9", pid: 1 };

function isDisconnected(kind: string) {
  return (error: unknown): boolean => error instanceof DisconnectedError && error.reason.kind === kind;
}

test("the handshake introduces the client and keeps the agent's answer", async () => {
  const agent = await FakeAgent.start();
  try {
    const accepting = agent.accept();
    const connecting = AgentClient.connect({
      socketPath: agent.socketPath,
      client: { name: "tutor", version: "1.2.3" },
      reconnect: false,
    });
    const peer = await accepting;
    const hello = await peer.recv();
    assert.deepEqual(hello, {
      type: "request",
      id: 1,
      method: "hello",
      params: { protocol: 1, client: { name: "tutor", version: "1.2.3" } },
    });
    peer.reply(hello, HELLO_RESULT);
    const client = await connecting;
    assert.deepEqual(client.hello, HELLO_RESULT);
    assert.equal(client.state.status, "connected");
    client.close();
  } finally {
    await agent.stop();
  }
});

connectedTest("responses are matched by id, in any order, with their correlation IDs", async ({ client, peer }) => {
  const first = client.requestReply("agent.status", {}, { correlationId: "first" });
  const second = client.requestReply("profiles.list", {});
  const [a, b] = [await peer.recv(), await peer.recv()];
  assert.equal(a["correlation_id"], "first");
  assert.ok(!("correlation_id" in b), "no correlation_id is sent when none is given");
  peer.send({ type: "response", id: b["id"], correlation_id: "agent-made", result: { profiles: [] } });
  peer.send({ type: "response", id: a["id"], correlation_id: "first", result: STATUS });
  assert.deepEqual(await first, { result: STATUS, correlationId: "first" });
  assert.deepEqual(await second, { result: { profiles: [] }, correlationId: "agent-made" });
});

connectedTest("an answer with no id, or an unknown one, answers no call", async ({ client, peer }) => {
  const call = client.request("agent.status", {});
  const request = await peer.recv();
  peer.send({
    type: "response",
    id: null,
    correlation_id: "x",
    error: { code: "INVALID_REQUEST", message: "request id 2 is already in flight", retryable: false },
  });
  peer.send({ type: "response", id: 999, correlation_id: "x", result: { pid: 666 } });
  peer.send({ type: "event", subscription: 5, topic: "diagnostics", seq: 1, data: {} });
  peer.send("a MessagePack string is no envelope");
  peer.reply(request, STATUS);
  assert.deepEqual(await call, STATUS);
});

connectedTest("an error answer carries everything the agent sent", async ({ client, peer }) => {
  const call = client.request("profiles.create", { name: "", provider: "ollama", endpoint: "x" });
  const request = await peer.recv();
  const details = [{ field: "name", code: "required", message: "Give the profile a name." }];
  peer.send({
    type: "response",
    id: request["id"],
    correlation_id: "c-42",
    error: {
      code: "VALIDATION_ERROR",
      message: "1 field(s) need attention",
      remediation: "Correct the fields marked.",
      retryable: false,
      details,
    },
  });
  await assert.rejects(call, (error: unknown) => {
    assert.ok(error instanceof AgentError);
    assert.equal(error.code, "VALIDATION_ERROR");
    assert.equal(error.message, "1 field(s) need attention");
    assert.equal(error.remediation, "Correct the fields marked.");
    assert.equal(error.retryable, false);
    assert.equal(error.correlationId, "c-42");
    assert.equal(error.method, "profiles.create");
    assert.deepEqual(error.details, details);
    assert.deepEqual(error.fieldErrors, details);
    return true;
  });
});

connectedTest("an answer that is neither a result nor an error object is an InvalidResponseError", async ({ client, peer }) => {
  const neither = client.request("agent.status", {});
  const badError = client.request("agent.status", {});
  const [a, b] = [await peer.recv(), await peer.recv()];
  peer.send({ type: "response", id: a["id"], correlation_id: "x" });
  peer.send({ type: "response", id: b["id"], correlation_id: "x", error: "no map" });
  await assert.rejects(neither, InvalidResponseError);
  await assert.rejects(badError, InvalidResponseError);
});

connectedTest("aborting a call sends a cancel frame, and the agent's late answer is dropped", async ({ client, peer }) => {
  const controller = new AbortController();
  const call = client.request("profiles.test", { id: "p" }, { signal: controller.signal });
  const request = await peer.recv();
  controller.abort();
  await assert.rejects(call, (error: unknown) => error instanceof DOMException && error.name === "AbortError");
  assert.deepEqual(await peer.recv(), { type: "cancel", id: request["id"] });
  peer.send({
    type: "response",
    id: request["id"],
    correlation_id: "x",
    error: { code: "CANCELLED", message: "cancelled by the client", retryable: false },
  });
  const next = client.request("agent.status", {});
  peer.reply(await peer.recv(), STATUS);
  assert.deepEqual(await next, STATUS);
  // An already aborted signal sends nothing.
  await assert.rejects(client.request("agent.status", {}, { signal: AbortSignal.abort() }));
});

connectedTest("a call that times out sends a cancel frame, and keeps its slot until the agent answers it", {}, { ...HELLO_RESULT, max_in_flight: 1 }, async ({ client, peer }) => {
  const call = client.request("agent.status", {}, { timeoutMs: 50 });
  const request = await peer.recv();
  await assert.rejects(
    call,
    (error: unknown) => error instanceof RequestTimeoutError && error.retryable && error.timeoutMs === 50,
  );
  assert.deepEqual(await peer.recv(), { type: "cancel", id: request["id"] });
  // The agent still counts the request in flight: the next one waits for its answer.
  const next = client.request("agent.status", {});
  assert.equal(await peer.recvWithin(50), "none");
  peer.reply(request, { pid: 666 });
  const sent = await peer.recv();
  assert.equal(sent["method"], "agent.status");
  peer.reply(sent, STATUS);
  assert.deepEqual(await next, STATUS, "the late answer went to nobody");
});

connectedTest("profiles.test and discovery.run wait their own deadline plus a grace", { requestTimeoutMs: 20 }, async ({ client, peer }) => {
  const test = client.profiles.test({ id: "p", timeout_ms: 100 });
  const request = await peer.recv();
  await new Promise((resolve) => setTimeout(resolve, 150));
  peer.reply(request, { profile_id: "p", success: true });
  assert.deepEqual(await test, { profile_id: "p", success: true });
});

connectedTest("at most max_in_flight requests are on the wire; the rest wait, and a queued one can give up", {}, { ...HELLO_RESULT, max_in_flight: 2 }, async ({ client, peer }) => {
  const calls = [1, 2, 3].map(() => client.request("agent.status", {}));
  const gaveUp = client.request("agent.status", {}, { timeoutMs: 30 });
  const [a, b] = [await peer.recv(), await peer.recv()];
  await assert.rejects(gaveUp, RequestTimeoutError);
  assert.equal(await peer.recvWithin(50), "none", "a third request went out while two were in flight");
  peer.reply(b, STATUS);
  const c = await peer.recv();
  assert.equal(c["type"], "request", "the queued request goes out once a slot is free");
  peer.reply(a, STATUS);
  peer.reply(c, STATUS);
  assert.deepEqual(await Promise.all(calls), [STATUS, STATUS, STATUS]);
  assert.equal(await peer.recvWithin(30), "none", "the request that gave up while queued was never sent");
});

connectedTest("a request over the frame limit fails here and sends nothing", {}, { ...HELLO_RESULT, max_frame_len: 1024 }, async ({ client, peer }) => {
  await assert.rejects(
    client.request("profiles.create", { name: "x".repeat(2000), provider: "ollama", endpoint: "http://127.0.0.1" }),
    (error: unknown) => error instanceof RequestTooLargeError && error.code === "FRAME_TOO_LARGE",
  );
  const next = client.request("agent.status", {});
  const request = await peer.recv();
  assert.equal(request["method"], "agent.status");
  peer.reply(request, STATUS);
  await next;
});

test("a refused handshake is a ProtocolMismatchError with the agent's remediation", async () => {
  const agent = await FakeAgent.start();
  try {
    const accepting = agent.accept().then(async (peer) => {
      const hello = await peer.recv();
      peer.send({
        type: "response",
        id: hello["id"],
        correlation_id: "h",
        error: {
          code: "UNSUPPORTED_PROTOCOL",
          message: "protocol 1 is not supported; this agent speaks 2 to 3",
          remediation: "Update the app.",
          retryable: false,
        },
      });
      peer.socket.end();
    });
    await assert.rejects(AgentClient.connect({ socketPath: agent.socketPath }), (error: unknown) => {
      assert.ok(error instanceof ProtocolMismatchError);
      assert.equal(error.code, "UNSUPPORTED_PROTOCOL");
      assert.equal(error.remediation, "Update the app.");
      return true;
    });
    await accepting;
    const answering = agent.acceptWithHello({ ...HELLO_RESULT, protocol: 2 });
    await assert.rejects(AgentClient.connect({ socketPath: agent.socketPath }), ProtocolMismatchError);
    await answering;
  } finally {
    await agent.stop();
  }
});

test("a hello result without usable limits is refused, not trusted", async () => {
  const agent = await FakeAgent.start();
  try {
    const broken: Array<[string, unknown]> = [
      ["max_frame_len", { ...HELLO_RESULT, max_frame_len: undefined }],
      ["max_in_flight", { ...HELLO_RESULT, max_in_flight: 0 }],
      ["capabilities", { ...HELLO_RESULT, capabilities: "all" }],
      ["not a map", "hello"],
    ];
    for (const [what, result] of broken) {
      const answering = agent.accept().then(async (peer) => peer.reply(await peer.recv(), result));
      await assert.rejects(
        AgentClient.connect({ socketPath: agent.socketPath, reconnect: false }),
        (error: unknown) => error instanceof InvalidResponseError && error.message.includes(what),
        what,
      );
      await answering;
    }
  } finally {
    await agent.stop();
  }
});

connectedTest("an agent that announces a larger frame limit does not lift the client's 4 MiB", {}, { ...HELLO_RESULT, max_frame_len: 2 * DEFAULT_MAX_FRAME_LEN }, async ({ client, peer }) => {
  await assert.rejects(
    client.request("profiles.create", { name: "x".repeat(DEFAULT_MAX_FRAME_LEN), provider: "ollama", endpoint: "x" }),
    RequestTooLargeError,
  );
  const call = client.request("agent.status", {});
  await peer.recv();
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(DEFAULT_MAX_FRAME_LEN + 1);
  peer.sendRaw(prefix);
  await assert.rejects(call, (error: unknown) => error instanceof DisconnectedError && /exceeds the limit/.test(error.message));
});

test("nobody listening is AGENT_NOT_RUNNING", async () => {
  const agent = await FakeAgent.start();
  const socketPath = `${agent.socketPath}.missing`;
  await agent.stop();
  await assert.rejects(
    AgentClient.connect({ socketPath }),
    (error: unknown) =>
      error instanceof AgentUnavailableError &&
      error.code === "AGENT_NOT_RUNNING" &&
      error.socketPath === socketPath &&
      error.retryable,
  );
});

connectedTest("a hang-up fails every pending call at once, and later calls too", async ({ client, peer }) => {
  const calls = [client.request("agent.status", {}), client.request("profiles.list", {})];
  await peer.recv();
  await peer.recv();
  peer.destroy();
  for (const call of calls) {
    await assert.rejects(call, isDisconnected("closed"));
  }
  assert.equal(client.state.status, "disconnected");
  await assert.rejects(client.request("agent.status", {}), DisconnectedError);
});

test("an id-nil error says why the connection closed, unless it is an INVALID_REQUEST, which leaves it open", async () => {
  const cases: Array<[string, string]> = [
    ["MALFORMED_FRAME", "rejected"],
    ["INVALID_REQUEST", "closed"],
  ];
  for (const [code, kind] of cases) {
    await withConnected({}, HELLO_RESULT, async ({ client, peer }) => {
      const call = client.request("agent.status", {});
      await peer.recv();
      peer.send({ type: "response", id: null, correlation_id: "x", error: { code, message: "about the connection", retryable: false } });
      peer.socket.end();
      await assert.rejects(call, (error: unknown) => {
        assert.ok(error instanceof DisconnectedError);
        assert.equal(error.reason.kind, kind, code);
        assert.equal(error.reason.kind === "rejected" ? error.reason.error.code : code, code);
        return true;
      });
    });
  }
});

connectedTest("a frame over the limit from the agent fails the connection before its body arrives", {}, { ...HELLO_RESULT, max_frame_len: 64 }, async ({ client, peer }) => {
  const call = client.request("agent.status", {});
  await peer.recv();
  peer.sendRaw(Buffer.from([0, 0, 0, 65]));
  await assert.rejects(call, (error: unknown) => {
    assert.ok(error instanceof DisconnectedError && error.reason.kind === "failed");
    assert.match(error.message, /exceeds the limit of 64 bytes/);
    return true;
  });
  await once(peer.socket, "close");
});

test("garbage from the peer fails the connection, never the process", async () => {
  const garbage: Array<[string, Buffer]> = [
    ["a byte that is no MessagePack", Buffer.from([0, 0, 0, 1, 0xc1])],
    ["a value cut short", Buffer.from([0, 0, 0, 2, 0x82, 0xa4])],
    ["bytes after the value", Buffer.from([0, 0, 0, 2, 0x80, 0x80])],
    ["an empty frame", Buffer.from([0, 0, 0, 0])],
    ["an array claiming 2^32 items", Buffer.from([0, 0, 0, 5, 0xdd, 0xff, 0xff, 0xff, 0xff])],
    ["a map key of the wrong kind", Buffer.from([0, 0, 0, 3, 0x81, 0xc0, 0xc0])],
    ["2^53 + 1", Buffer.concat([Buffer.from([0, 0, 0, 12]), Buffer.from("81a178cf0020000000000001", "hex")])],
    ["a hang-up in the middle of a frame", Buffer.from([0, 0, 0, 9, 0x81])],
  ];
  for (const [what, bytes] of garbage) {
    await withConnected({}, HELLO_RESULT, async ({ client, peer }) => {
      const call = client.request("agent.status", {});
      await peer.recv();
      peer.sendRaw(bytes);
      if (what.startsWith("a hang-up")) {
        peer.socket.end();
      }
      await assert.rejects(call, isDisconnected("failed"), what);
    });
  }
});

connectedTest("after a lost connection the client reconnects by itself and says so", { reconnect: { initialDelayMs: 10, maxDelayMs: 20 } }, async ({ agent, client, peer }) => {
  const states: string[] = [];
  client.onStateChange((state) => states.push(state.status));
  const inFlight = client.request("agent.status", {});
  await peer.recv();
  const back = agent.acceptWithHello();
  peer.destroy();
  await assert.rejects(inFlight, DisconnectedError, "a call in flight is never sent again");
  const peer2 = await back;
  const call = client.request("agent.status", {});
  peer2.reply(await peer2.recv(), STATUS);
  assert.deepEqual(await call, STATUS);
  assert.deepEqual(states, ["disconnected", "connected"]);
});

connectedTest("a call made while the agent is away waits for the attempt it starts", { reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000 } }, async ({ agent, client, peer }) => {
  peer.destroy();
  await new Promise((resolve) => client.onStateChange(resolve));
  assert.equal(client.state.status, "disconnected");
  const back = agent.acceptWithHello();
  const call = client.request("agent.status", {});
  const peer2 = await back;
  peer2.reply(await peer2.recv(), STATUS);
  assert.deepEqual(await call, STATUS);
});

connectedTest("subscriptions are restored on the new connection", { reconnect: { initialDelayMs: 10, maxDelayMs: 20 } }, async ({ agent, client, peer }) => {
  const subscribing = client.subscribe(["diagnostics", "discovery"]);
  const subscribe = await peer.recv();
  assert.deepEqual(subscribe["params"], { topics: ["diagnostics", "discovery"] });
  // The answer and the first event in one write: the route must be in place in between.
  peer.sendRaw(
    Buffer.concat([
      frameOf({ type: "response", id: subscribe["id"], correlation_id: "s", result: { subscription: 7, topics: ["diagnostics", "discovery"] } }),
      frameOf({ type: "event", subscription: 7, topic: "diagnostics", seq: 1, data: { seq: 1 } }),
    ]),
  );
  const subscription = await subscribing;
  assert.equal(subscription.id, 7);
  assert.deepEqual((await subscription.next()).value, { kind: "event", topic: "diagnostics", seq: 1, data: { seq: 1 } });

  const back = agent.accept();
  peer.destroy();
  const interrupted = (await subscription.next()).value;
  assert.equal(interrupted?.kind, "interrupted");
  const peer2 = await back;
  peer2.reply(await peer2.recv(), HELLO_RESULT);
  const again: Message = await peer2.recv();
  assert.equal(again["method"], "events.subscribe");
  assert.deepEqual(again["params"], { topics: ["diagnostics", "discovery"] });
  peer2.reply(again, { subscription: 1, topics: ["diagnostics", "discovery"] });
  assert.deepEqual((await subscription.next()).value, { kind: "restored" });
  assert.equal(subscription.id, 1);
  peer2.send({ type: "event", subscription: 1, topic: "discovery", seq: 1, data: { trigger: "manual" } });
  assert.deepEqual((await subscription.next()).value, {
    kind: "event",
    topic: "discovery",
    seq: 1,
    data: { trigger: "manual" },
  });
  const leaving = subscription.unsubscribe();
  const unsubscribe = await peer2.recv();
  assert.deepEqual(unsubscribe["params"], { subscription: 1 });
  peer2.reply(unsubscribe, { subscription: 1 });
  await leaving;
  assert.equal((await subscription.next()).done, true);
});

connectedTest("a reader that falls a buffer behind ends with lagged, and the agent's lagged ends it too", async ({ client, peer }) => {
  const subscribing = client.subscribe(["diagnostics"], { bufferSize: 2 });
  peer.reply(await peer.recv(), { subscription: 3, topics: ["diagnostics"] });
  const slow = await subscribing;
  for (let seq = 1; seq <= 3; seq++) {
    peer.send({ type: "event", subscription: 3, topic: "diagnostics", seq, data: { seq } });
  }
  const unsubscribe = await peer.recv();
  assert.deepEqual(unsubscribe["params"], { subscription: 3 }, "the client ends a lagging subscription on the agent");
  const items = [];
  for await (const item of slow) {
    items.push(item.kind);
  }
  assert.deepEqual(items, ["event", "event", "lagged"]);

  const subscribing2 = client.subscribe(["diagnostics"]);
  peer.reply(await peer.recv(), { subscription: 4, topics: ["diagnostics"] });
  const dropped = await subscribing2;
  peer.send({ type: "event", subscription: 4, topic: "lagged", seq: 1, data: { missed: 37 } });
  assert.deepEqual((await dropped.next()).value, { kind: "lagged", missed: 37 });
  assert.equal((await dropped.next()).done, true);
  assert.equal(dropped.ended, true);
});

connectedTest("calls after close fail at once", async ({ client }) => {
  const states: string[] = [];
  client.onStateChange((state) => states.push(state.status));
  client.close();
  await assert.rejects(client.request("agent.status", {}), isDisconnected("client_closed"));
  assert.deepEqual(states, ["closed"]);
});

connectedTest("the agent's frame limit applies from hello on", async ({ client, peer }) => {
  const call = client.request("agent.status", {});
  const request = await peer.recv();
  // Just under 4 MiB is fine.
  peer.reply(request, { blob: "x".repeat(DEFAULT_MAX_FRAME_LEN - 100) });
  const result = (await call) as unknown as { blob: string };
  assert.equal(result.blob.length, DEFAULT_MAX_FRAME_LEN - 100);
});

function frameOf(message: unknown): Buffer {
  return encodeMessageFrame(message, DEFAULT_MAX_FRAME_LEN);
}

connectedTest("without reconnecting, a lost connection ends subscriptions after interrupted", async ({ client, peer }) => {
  const subscribing = client.subscribe(["diagnostics"]);
  peer.reply(await peer.recv(), { subscription: 1, topics: ["diagnostics"] });
  const subscription = await subscribing;
  peer.destroy();
  const kinds: string[] = [];
  for await (const item of subscription) {
    kinds.push(item.kind);
  }
  assert.deepEqual(kinds, ["interrupted"]);
  assert.equal(client.state.status === "disconnected" && client.state.reconnecting, false);
});

connectedTest("a restored subscription resumes its state topics from the last revision it saw", { reconnect: { initialDelayMs: 10, maxDelayMs: 20 } }, async ({ agent, client, peer }) => {
  const subscribing = client.subscribe(["profiles", "diagnostics"]);
  const subscribe = await peer.recv();
  assert.deepEqual(subscribe["params"], { topics: ["profiles", "diagnostics"] }, "nothing to resume from yet");
  peer.reply(subscribe, { subscription: 1, topics: ["profiles", "diagnostics"], revision: 100 });
  const subscription = await subscribing;
  assert.equal(subscription.revision, 100);
  peer.send({ type: "event", subscription: 1, topic: "profiles", seq: 1, data: { revision: 101, change: "created" } });
  peer.send({ type: "event", subscription: 1, topic: "diagnostics", seq: 2, data: { seq: 9, revision: 5000 } });
  assert.equal((await subscription.next()).value?.kind, "event");
  assert.equal((await subscription.next()).value?.kind, "event");
  assert.equal(subscription.revision, 101, "only state events carry revisions");

  // Lost: the new subscription asks for what came after 101, and the replay advances it.
  const back = agent.acceptWithHello();
  peer.destroy();
  assert.equal((await subscription.next()).value?.kind, "interrupted");
  const peer2 = await back;
  const again = await peer2.recv();
  assert.deepEqual(again["params"], { topics: ["profiles", "diagnostics"], since_revision: 101 });
  peer2.reply(again, { subscription: 1, topics: ["profiles", "diagnostics"], revision: 103 });
  assert.deepEqual((await subscription.next()).value, { kind: "restored" });
  assert.equal(subscription.revision, 101, "the replay, not the answer, says what arrived");
  for (const revision of [102, 103]) {
    peer2.send({ type: "event", subscription: 1, topic: "profiles", seq: revision - 101, data: { revision } });
    assert.equal((await subscription.next()).value?.kind, "event");
  }
  assert.equal(subscription.revision, 103);

  // Lost again, to an agent that no longer holds those changes: it says resync.
  const third = agent.acceptWithHello();
  peer2.destroy();
  assert.equal((await subscription.next()).value?.kind, "interrupted");
  const peer3 = await third;
  const resumed = await peer3.recv();
  assert.equal(resumed["params"] && (resumed["params"] as Message)["since_revision"], 103);
  peer3.reply(resumed, { subscription: 1, topics: ["profiles", "diagnostics"], revision: 2_000_000 });
  peer3.send({ type: "event", subscription: 1, topic: "resync", seq: 1, data: { revision: 2_000_000 } });
  assert.deepEqual((await subscription.next()).value, { kind: "restored" });
  assert.deepEqual((await subscription.next()).value, { kind: "resync", revision: 2_000_000 });
  assert.equal(subscription.revision, 2_000_000);
});

connectedTest("a subscription can start from a revision the app read", async ({ client, peer }) => {
  const subscribing = client.subscribe(["roles"], { sinceRevision: 41 });
  const subscribe = await peer.recv();
  assert.deepEqual(subscribe["params"], { topics: ["roles"], since_revision: 41 });
  peer.reply(subscribe, { subscription: 2, topics: ["roles"], revision: 42 });
  const subscription = await subscribing;
  assert.equal(subscription.revision, 41);
  peer.send({ type: "event", subscription: 2, topic: "roles", seq: 1, data: { revision: 42, roles: [] } });
  assert.deepEqual((await subscription.next()).value, {
    kind: "event",
    topic: "roles",
    seq: 1,
    data: { revision: 42, roles: [] },
  });
  assert.equal(subscription.revision, 42);
  // A revision given for topics without state is not sent.
  const plain = client.subscribe(["diagnostics"], { sinceRevision: 41 });
  const request = await peer.recv();
  assert.deepEqual(request["params"], { topics: ["diagnostics"] });
  peer.reply(request, { subscription: 3, topics: ["diagnostics"] });
  assert.equal((await plain).revision, 41);
});
