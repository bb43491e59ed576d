/**
 * Framing: frames split across reads and joined in one, the limit checked before the body,
 * and a message too large to send refused without keeping what encoding it took.
 */

import assert from "node:assert/strict";
import { test } from "node:test";

import { encodeMessageFrame } from "../src/codec.js";
import { encodeFrame, FrameReader, FrameTooLargeError } from "../src/framing.js";
import { DEFAULT_MAX_FRAME_LEN } from "../src/index.js";

test("a frame split across reads is put back together", () => {
  const reader = new FrameReader(16);
  const frame = encodeFrame(Buffer.from([0xa2, 0x61, 0x62]), 16);
  const bodies: Buffer[] = [];
  for (const byte of frame) {
    bodies.push(...reader.push(Buffer.from([byte])));
    assert.equal(reader.inFrame, bodies.length === 0);
  }
  assert.deepEqual(bodies, [Buffer.from([0xa2, 0x61, 0x62])]);
  assert.equal(reader.inFrame, false);
});

test("several frames in one read, empty ones included, come out in order", () => {
  const reader = new FrameReader(16);
  const chunk = Buffer.concat([
    encodeFrame(Buffer.from([1]), 16),
    encodeFrame(Buffer.alloc(0), 16),
    encodeFrame(Buffer.from([2, 3]), 16),
    encodeFrame(Buffer.from([4]), 16).subarray(0, 3),
  ]);
  assert.deepEqual(reader.push(chunk), [Buffer.from([1]), Buffer.alloc(0), Buffer.from([2, 3])]);
  assert.equal(reader.inFrame, true);
  assert.deepEqual(reader.push(Buffer.from([1, 4])), [Buffer.from([4])]);
});

test("a length over the limit is refused from its prefix alone", () => {
  const reader = new FrameReader(16);
  assert.throws(
    () => reader.push(Buffer.from([0xff, 0xff, 0xff, 0xff])),
    (error: unknown) => error instanceof FrameTooLargeError && error.length === 0xffffffff && error.maxLength === 16,
  );
  const exact = new FrameReader(3);
  assert.deepEqual(exact.push(encodeFrame(Buffer.from([1, 2, 3]), 3)), [Buffer.from([1, 2, 3])]);
  assert.throws(() => exact.push(Buffer.from([0, 0, 0, 4])), FrameTooLargeError);
});

test("a body over the limit is not framed", () => {
  assert.throws(() => encodeFrame(Buffer.alloc(3), 2), FrameTooLargeError);
});

test("a message too large to send is refused, and the memory its encoding took is let go", async () => {
  const gc = globalThis.gc;
  assert.ok(gc !== undefined, "run with --expose-gc (npm test does)");
  // A buffer's memory is given back in a later turn of the event loop than the
  // collection that finds it garbage: collect until the count settles.
  const collect = async (): Promise<void> => {
    for (let round = 0; round < 3; round += 1) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await collect();
  const before = process.memoryUsage().arrayBuffers;
  const notes = "x".repeat(3 * DEFAULT_MAX_FRAME_LEN);
  assert.throws(() => encodeMessageFrame({ notes }, DEFAULT_MAX_FRAME_LEN), FrameTooLargeError);
  await collect();
  const kept = process.memoryUsage().arrayBuffers - before;
  assert.ok(kept < DEFAULT_MAX_FRAME_LEN, `${kept} bytes kept after the refused message`);
});
