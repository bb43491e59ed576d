/**
 * The golden fixtures of `protocol/tests/fixtures/` (docs/protocol.md section 16): every
 * one decodes and re-encodes byte for byte through this client's codec, the envelopes the
 * client builds are those bytes, and the three states of a `Patch` field have the bytes
 * docs/protocol.md 10.2 gives.
 */

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";

import {
  cancelEnvelope,
  decodeMessage,
  encodeMessageFrame,
  MalformedMessageError,
  requestEnvelope,
  UnsafeIntegerError,
} from "../src/codec.js";
import type {
  DiagnosticsEvent,
  HelloParams,
  HelloResult,
  ProfilePatch,
  ResponseEnvelope,
  SubscribeParams,
  TestOutcome,
} from "../src/index.js";
import { DEFAULT_MAX_FRAME_LEN, FRAME_HEADER_LEN } from "../src/index.js";
import { FIXTURES_DIR } from "./support/paths.js";

function fixture(name: string): Buffer {
  return readFileSync(path.join(FIXTURES_DIR, name));
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

/** The body of the frame the client would send for `message`. */
function encodeMessage(message: unknown): Buffer {
  return encodeMessageFrame(message, DEFAULT_MAX_FRAME_LEN).subarray(FRAME_HEADER_LEN);
}

test("every golden fixture decodes and re-encodes byte for byte", () => {
  const names = readdirSync(FIXTURES_DIR).filter((name) => name.endsWith(".msgpack"));
  assert.ok(names.length >= 8, `only ${names.length} fixtures in ${FIXTURES_DIR}`);
  for (const name of names) {
    const golden = fixture(name);
    const decoded = decodeMessage(golden);
    assert.equal(hex(encodeMessage(decoded)), hex(golden), name);
  }
});

test("the requests and the cancel this client builds are the fixtures' bytes", () => {
  const hello: HelloParams = { protocol: 1, client: { name: "llm-tutor", version: "1.4.0" } };
  assert.equal(
    hex(encodeMessage(requestEnvelope(1, "hello", hello, "c0ffee00-0000-4000-8000-000000000001"))),
    hex(fixture("request.msgpack")),
  );
  const subscribe: SubscribeParams = { topics: ["diagnostics"] };
  assert.equal(
    hex(encodeMessage(requestEnvelope(2, "events.subscribe", subscribe))),
    hex(fixture("request_subscribe.msgpack")),
  );
  assert.equal(hex(encodeMessage(cancelEnvelope(7))), hex(fixture("cancel.msgpack")));
  const withLocales: HelloParams = { ...hello, locales: ["de-AT", "en"] };
  assert.equal(
    hex(encodeMessage(requestEnvelope(1, "hello", withLocales))),
    hex(fixture("request_hello_locales.msgpack")),
  );
});

test("the fixtures decode to the documented values, typed", () => {
  const ok = decodeMessage(fixture("response_ok.msgpack")) as { type: "response" } & ResponseEnvelope;
  const hello: HelloResult = {
    agent_version: "0.1.0",
    protocol: 1,
    supported_protocols: { min: 1, max: 1 },
    capabilities: ["hello", "topic:diagnostics"],
    max_frame_len: 4194304,
    max_in_flight: 64,
  };
  assert.deepEqual(ok, {
    type: "response",
    id: 1,
    correlation_id: "c0ffee00-0000-4000-8000-000000000001",
    result: hello,
  });

  const noId = decodeMessage(fixture("response_error_no_id.msgpack")) as ResponseEnvelope;
  assert.equal(noId.id, null, "a connection-level error has a nil id, not an absent one");
  assert.equal(noId.error?.code, "MALFORMED_FRAME");
  assert.equal(noId.error?.retryable, false);
  assert.ok(!("remediation" in (noId.error ?? {})), "absent fields stay absent");

  const event = decodeMessage(fixture("event.msgpack")) as { data: DiagnosticsEvent };
  assert.deepEqual(event.data, {
    seq: 42,
    ts: "2026-11-21T10:00:00.000000Z",
    kind: "request",
    correlation_id: "c0ffee00-0000-4000-8000-000000000001",
    method: "agent.status",
    result: "OK",
    duration_us: 35,
    peer_pid: 4242,
  });

  const localized = decodeMessage(fixture("response_error_localized.msgpack")) as ResponseEnvelope;
  assert.equal(localized.error?.message_id, "fields_need_attention");
  assert.deepEqual(localized.error?.message_args, { count: 2 });
  assert.equal(localized.error?.remediation_id, "fix_marked_fields");
  assert.ok(!("remediation_args" in (localized.error ?? {})), "empty arguments are absent");
  assert.deepEqual(localized.error?.details, [
    {
      field: "name",
      code: "too_long",
      message: "Höchstens 80 Zeichen verwenden.",
      message_id: "field_too_long",
      message_args: { max: 80 },
    },
    {
      field: "endpoint",
      code: "invalid",
      message: "Verwenden Sie eine http://- oder https://-URL.",
      message_id: "field_endpoint_not_http",
    },
  ]);

  const outcome = decodeMessage(fixture("response_test_outcome.msgpack")) as { result: TestOutcome };
  assert.deepEqual(outcome.result.timings, { queued_ms: 0.012, connected_ms: 0.25, headers_ms: 3.5, total_ms: 4.125 });
  assert.equal(outcome.result.error?.code, "MODEL_NOT_FOUND");
});

test("the three states of a patch field have their documented bytes", () => {
  const keep: ProfilePatch = {};
  const clear: ProfilePatch = { api_key: null };
  const set: ProfilePatch = { api_key: "sk-1" };
  assert.equal(hex(encodeMessage(keep)), "80");
  assert.equal(hex(encodeMessage(clear)), "81a76170695f6b6579c0");
  assert.equal(hex(encodeMessage(set)), "81a76170695f6b6579a4736b2d31");
  const withdraw: ProfilePatch = { consent_granted_at: null };
  assert.equal(hex(encodeMessage(withdraw)), "81b2636f6e73656e745f6772616e7465645f6174c0");
  const consent: ProfilePatch = { consent_granted_at: "2026-11-21T10:00:00Z" };
  assert.equal(
    hex(encodeMessage(consent)),
    "81b2636f6e73656e745f6772616e7465645f6174b4323032362d31312d32315431303a30303a30305a",
  );
});

test("undefined is never written: it keeps, it never clears", () => {
  // @ts-expect-error `undefined` is not a state of a patch field: leave the field out.
  const careless: ProfilePatch = { api_key: undefined };
  assert.equal(hex(encodeMessage(careless)), "80");
  assert.equal(hex(encodeMessage({ name: "x", model: undefined })), hex(encodeMessage({ name: "x" })));
});

test("64-bit integers decode as numbers, and one beyond 2^53 is refused rather than rounded", () => {
  // {"x": 5} with 5 written as a uint64, as a writer that does not use the smallest width might.
  assert.deepEqual(decodeMessage(Buffer.from("81a178cf0000000000000005", "hex")), { x: 5 });
  // A string holding the uint64 marker byte is no integer.
  assert.deepEqual(decodeMessage(Buffer.from("81a178a2cf90", "hex")), { x: "\u03d0" });
  // 2^53 + 1, inside an array inside a map.
  assert.throws(() => decodeMessage(Buffer.from("81a17891cf0020000000000001", "hex")), UnsafeIntegerError);
  // -(2^53 + 1) as an int64.
  assert.throws(() => decodeMessage(Buffer.from("d3ffdfffffffffffff", "hex")), UnsafeIntegerError);
});

test("strings decode as Node decodes UTF-8, invalid bytes as U+FFFD, short or long", () => {
  const short = Buffer.from("81a178a3e282ac", "hex"); // {"x": "€"}
  assert.deepEqual(decodeMessage(short), { x: "\u20ac" });
  // 0xff is no UTF-8: the replacement character, whether the string is short or long.
  assert.deepEqual(decodeMessage(Buffer.from("81a178a2ff61", "hex")), { x: "\ufffda" });
  const long = Buffer.concat([Buffer.from("81a178d9c9", "hex"), Buffer.from([0xff]), Buffer.alloc(200, 0x61)]);
  assert.deepEqual(decodeMessage(long), { x: `\ufffd${"a".repeat(200)}` });
  // A string cut short is refused, not read past its frame.
  assert.throws(() => decodeMessage(Buffer.from("81a178a5616263", "hex")), MalformedMessageError);
});
