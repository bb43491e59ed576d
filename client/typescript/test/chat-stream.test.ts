/**
 * Streamed model calls against a scripted agent: deltas in order then the result, the
 * cancel frame on abort and on leaving the loop, frames the stream must ignore (another
 * id, after the response, after a cancel), and every way a stream fails: an agent error,
 * a lost connection, a delta frame over the limit, a gap in `seq`, a timeout, more unread
 * text than any reply. A reader that falls behind loses nothing.
 */

import assert from "node:assert/strict";

import {
  AgentError,
  type ChatResult,
  type ChatStream,
  DisconnectedError,
  InvalidResponseError,
  MAX_REPLY_TEXT_BYTES,
  MAX_UNREAD_PIECES,
  RequestTimeoutError,
  StreamOverflowError,
} from "../src/index.js";
import { connectedTest, type FakePeer, HELLO_RESULT, type Message } from "./support/fake-agent.js";

const QUESTION = { role: "tutor", messages: [{ role: "user" as const, content: "What is a noun?" }] };

const RESULT: ChatResult = {
  profile_id: "0f8e2c1a-5b7d-4e3f-9a6b-2c4d6e8f0a1b",
  role: "tutor",
  class: "interactive",
  provider: "ollama",
  requested_model: "llama3.2",
  text: "A noun names a thing.",
  attempts: 1,
  http_status: 200,
  streamed: true,
  timings: { queued_ms: 0.02, total_ms: 97.25 },
};

function delta(request: Message, seq: number, text: string): Message {
  return { type: "delta", id: request["id"], seq, data: { text } };
}

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

/** Every piece `stream` yields, until it ends (or throws: then the pieces and the error). */
async function readAll(stream: ChatStream): Promise<{ pieces: string[]; error?: unknown }> {
  const pieces: string[] = [];
  try {
    for await (const piece of stream) {
      pieces.push(piece);
    }
    return { pieces };
  } catch (error) {
    return { pieces, error };
  }
}

/** The next frame the client sends, which must be a cancel of `request`. */
async function expectCancel(peer: FakePeer, request: Message): Promise<void> {
  assert.deepEqual(await peer.recv(), { type: "cancel", id: request["id"] });
}

connectedTest("the deltas come in order, then the result; the request asks for them", async ({ client, peer }) => {
  const stream = client.chat.stream(QUESTION);
  const request = await peer.recv();
  assert.equal(request["method"], "chat.run");
  assert.deepEqual(request["params"], { ...QUESTION, stream: true });
  const reading = readAll(stream);
  peer.send(delta(request, 1, "A noun"));
  peer.send(delta(request, 2, " names"));
  peer.send(delta(request, 3, " a thing."));
  peer.reply(request, RESULT);
  const { pieces, error } = await reading;
  assert.equal(error, undefined);
  assert.deepEqual(pieces, ["A noun", " names", " a thing."]);
  assert.deepEqual(await stream.result, RESULT);
});

connectedTest("deltas of another id, and any after the response, are ignored", async ({ client, peer }) => {
  const stream = client.chat.stream(QUESTION);
  const request = await peer.recv();
  const other = client.agent.status();
  const status = await peer.recv();
  peer.send(delta(request, 1, "mine"));
  peer.send(delta(status, 1, "not a streamed call"));
  peer.send({ type: "delta", id: 999, seq: 1, data: { text: "nobody's" } });
  peer.reply(request, RESULT);
  peer.send(delta(request, 2, "too late"));
  peer.reply(status, { pid: 7 });
  assert.deepEqual((await readAll(stream)).pieces, ["mine"]);
  assert.deepEqual(await stream.result, RESULT);
  assert.deepEqual(await other, { pid: 7 });
});

connectedTest("aborting the signal sends the cancel frame; later frames of the call are dropped", async ({ client, peer }) => {
  const controller = new AbortController();
  const stream = client.chat.stream(QUESTION, { signal: controller.signal });
  const request = await peer.recv();
  peer.send(delta(request, 1, "A noun"));
  assert.deepEqual(await stream.next(), { value: "A noun", done: false });
  controller.abort();
  await expectCancel(peer, request);
  await assert.rejects(stream.next(), isAbort);
  await assert.rejects(stream.result, isAbort);
  // What the agent sent before it saw the cancel, and its CANCELLED answer, go nowhere.
  peer.send(delta(request, 2, " names"));
  peer.send({
    type: "response",
    id: request["id"],
    correlation_id: "c",
    error: { code: "CANCELLED", message: "cancelled by the client", retryable: false },
  });
  const next = client.agent.status();
  peer.reply(await peer.recv(), { pid: 1 });
  assert.deepEqual(await next, { pid: 1 });
});

connectedTest("leaving the loop early cancels the call", async ({ client, peer }) => {
  const stream = client.chat.stream(QUESTION);
  const request = await peer.recv();
  peer.send(delta(request, 1, "A noun"));
  peer.send(delta(request, 2, " names"));
  for await (const piece of stream) {
    assert.equal(piece, "A noun");
    break;
  }
  await expectCancel(peer, request);
  await assert.rejects(stream.result, isAbort);
  assert.equal((await stream.next()).done, true, "nothing more is read after leaving");
});

connectedTest("an already aborted signal sends nothing", async ({ client, peer }) => {
  const stream = client.chat.stream(QUESTION, { signal: AbortSignal.abort() });
  await assert.rejects(stream.result, isAbort);
  assert.ok(isAbort((await readAll(stream)).error));
  assert.equal(await peer.recvWithin(50), "none");
});

connectedTest("an error answer fails the stream after what it received, and the result alike", async ({ client, peer }) => {
  const stream = client.chat.stream(QUESTION);
  const request = await peer.recv();
  peer.send(delta(request, 1, "A noun"));
  peer.send({
    type: "response",
    id: request["id"],
    correlation_id: "c",
    error: { code: "RATE_LIMITED", message: "slow down", retryable: true, details: { stage: "streaming", attempts: 5 } },
  });
  const { pieces, error } = await readAll(stream);
  assert.deepEqual(pieces, ["A noun"]);
  assert.ok(error instanceof AgentError && error.code === "RATE_LIMITED" && error.retryable);
  await assert.rejects(stream.result, (rejected: unknown) => rejected === error);
});

connectedTest("a lost connection fails the stream and the result with the disconnect", async ({ client, peer }) => {
  const stream = client.chat.stream(QUESTION);
  const request = await peer.recv();
  peer.send(delta(request, 1, "A noun"));
  const reading = readAll(stream);
  await new Promise((resolve) => setTimeout(resolve, 10));
  peer.destroy();
  const { pieces, error } = await reading;
  assert.deepEqual(pieces, ["A noun"]);
  assert.ok(error instanceof DisconnectedError && error.reason.kind === "closed", String(error));
  await assert.rejects(stream.result, DisconnectedError);
});

connectedTest("a delta frame over the frame limit fails the connection, the stream and the result", {}, { ...HELLO_RESULT, max_frame_len: 1024 }, async ({ client, peer }) => {
  const stream = client.chat.stream(QUESTION);
  const request = await peer.recv();
  peer.send(delta(request, 1, "fits"));
  assert.deepEqual(await stream.next(), { value: "fits", done: false });
  peer.send(delta(request, 2, "x".repeat(2000)));
  const { pieces, error } = await readAll(stream);
  assert.deepEqual(pieces, []);
  assert.ok(error instanceof DisconnectedError && error.reason.kind === "failed", String(error));
  assert.match(error.message, /exceeds the limit of 1024 bytes/);
  await assert.rejects(stream.result, DisconnectedError);
});

connectedTest("a gap in seq, or a delta without text, fails the stream and cancels the call", async ({ client, peer }) => {
  const gap = client.chat.stream(QUESTION);
  const first = await peer.recv();
  peer.send(delta(first, 1, "one"));
  peer.send(delta(first, 3, "three"));
  await expectCancel(peer, first);
  const read = await readAll(gap);
  assert.deepEqual(read.pieces, ["one"]);
  assert.ok(read.error instanceof InvalidResponseError && /delta 3 came where 2 was due/.test(read.error.message));
  await assert.rejects(gap.result, InvalidResponseError);

  const textless = client.chat.stream(QUESTION);
  const second = await peer.recv();
  peer.send({ type: "delta", id: second["id"], seq: 1, data: { tokens: 3 } });
  await expectCancel(peer, second);
  await assert.rejects(textless.result, (error: unknown) => error instanceof InvalidResponseError && /no text/.test(error.message));
});

connectedTest("a stream times out as a whole, with a cancel frame", async ({ client, peer }) => {
  const stream = client.chat.stream(QUESTION, { timeoutMs: 60 });
  const request = await peer.recv();
  peer.send(delta(request, 1, "slow"));
  await expectCancel(peer, request);
  const { pieces, error } = await readAll(stream);
  assert.deepEqual(pieces, ["slow"]);
  assert.ok(error instanceof RequestTimeoutError && error.method === "chat.run");
});

connectedTest("a reader that falls behind loses nothing: what it has not read is joined", async ({ client, peer }) => {
  const stream = client.chat.stream(QUESTION);
  const request = await peer.recv();
  const count = MAX_UNREAD_PIECES * 4;
  const sent: string[] = [];
  for (let seq = 1; seq <= count; seq++) {
    sent.push(`${seq} `);
    peer.send(delta(request, seq, `${seq} `));
  }
  peer.reply(request, { ...RESULT, text: sent.join("") });
  // Nothing is read until the whole reply is in.
  const result = await stream.result;
  const { pieces, error } = await readAll(stream);
  assert.equal(error, undefined);
  assert.ok(pieces.length <= MAX_UNREAD_PIECES, `${pieces.length} pieces held`);
  assert.equal(pieces.join(""), result.text);
});

connectedTest("more unread text than the largest reply fails the stream and cancels the call", async ({ client, peer }) => {
  const stream = client.chat.stream(QUESTION);
  const request = await peer.recv();
  const half = "x".repeat(MAX_REPLY_TEXT_BYTES / 2);
  peer.send(delta(request, 1, half));
  peer.send(delta(request, 2, half));
  peer.send(delta(request, 3, "one more"));
  await expectCancel(peer, request);
  await assert.rejects(stream.result, (error: unknown) => {
    assert.ok(error instanceof StreamOverflowError);
    assert.equal(error.code, "STREAM_OVERFLOW");
    assert.equal(error.limit, MAX_REPLY_TEXT_BYTES);
    return true;
  });
  const { pieces, error } = await readAll(stream);
  assert.equal(pieces.join("").length, MAX_REPLY_TEXT_BYTES, "what it held is still read, then the error");
  assert.ok(error instanceof StreamOverflowError);
});

connectedTest("chat.run waits its own deadline plus a grace", { requestTimeoutMs: 20 }, async ({ client, peer }) => {
  const run = client.chat.run({ ...QUESTION, timeout_ms: 100 });
  const stream = client.chat.stream({ ...QUESTION, timeout_ms: 100 });
  const [a, b] = [await peer.recv(), await peer.recv()];
  assert.ok(!("stream" in (a["params"] as object)), "chat.run asks for no deltas");
  await new Promise((resolve) => setTimeout(resolve, 150));
  peer.reply(a, RESULT);
  peer.reply(b, RESULT);
  assert.deepEqual(await run, RESULT);
  assert.deepEqual(await stream.result, RESULT);
});
