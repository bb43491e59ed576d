/**
 * Hostile bytes never escape as anything but the codec's two errors. Deterministic
 * mutations of the golden fixtures (bit flips, truncations, splices, hostile lengths,
 * deep nesting), as `protocol/tests/hostile_bytes.rs` makes them for the Rust decoders, go
 * through the frame reader in random chunks and then the decoder.
 */

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { decodeMessage, MalformedMessageError, UnsafeIntegerError } from "../src/codec.js";
import { encodeFrame, FrameReader, FrameTooLargeError } from "../src/framing.js";
import { FIXTURES_DIR } from "./support/paths.js";

const ROUNDS = 20_000;

/** A small deterministic generator: the same bytes every run. */
class XorShift {
  #state: bigint;

  constructor(seed: bigint) {
    this.#state = seed;
  }

  next(): number {
    let x = this.#state;
    x ^= (x << 13n) & 0xffffffffffffffffn;
    x ^= x >> 7n;
    x ^= (x << 17n) & 0xffffffffffffffffn;
    this.#state = x;
    return Number(x & 0xffffffffn);
  }

  below(n: number): number {
    return this.next() % Math.max(1, n);
  }
}

function mutate(rng: XorShift, seeds: Buffer[]): Buffer {
  let bytes = Buffer.from(seeds[rng.below(seeds.length)] as Buffer);
  for (let step = 0; step <= rng.below(4); step++) {
    const at = rng.below(bytes.length + 1);
    switch (rng.below(6)) {
      case 0:
        if (bytes.length > 0) {
          const flipped = rng.below(bytes.length);
          bytes[flipped] = (bytes[flipped] as number) ^ (1 << rng.below(8));
        }
        break;
      case 1:
        if (bytes.length > 0) {
          bytes[rng.below(bytes.length)] = rng.next() & 0xff;
        }
        break;
      case 2:
        bytes = bytes.subarray(0, rng.below(bytes.length + 1));
        break;
      case 3: {
        const other = seeds[rng.below(seeds.length)] as Buffer;
        const from = rng.below(other.length);
        bytes = Buffer.concat([bytes.subarray(0, at), other.subarray(from, from + 16), bytes.subarray(at)]);
        break;
      }
      case 4: {
        // A container or string header that claims far more than is there.
        const headers = [
          [0xdd, 0xff, 0xff, 0xff, 0xff],
          [0xdf, 0x7f, 0xff, 0xff, 0xff],
          [0xdb, 0xff, 0xff, 0xff, 0xf0],
          [0xc6, 0xff, 0xff, 0xff, 0xff],
        ];
        const header = Buffer.from(headers[rng.below(headers.length)] as number[]);
        bytes = Buffer.concat([bytes.subarray(0, at), header, bytes.subarray(at)]);
        break;
      }
      default: {
        // Deep nesting.
        const depth = 1 + rng.below(2_000);
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.alloc(depth, 0x91), bytes.subarray(at)]);
      }
    }
  }
  return bytes;
}

test("mutated frames are decoded or refused, never anything else", () => {
  const seeds = readdirSync(FIXTURES_DIR)
    .filter((name) => name.endsWith(".msgpack"))
    .sort()
    .map((name) => readFileSync(path.join(FIXTURES_DIR, name)));
  const rng = new XorShift(0x853c49e6748fea9bn);
  let decoded = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const body = mutate(rng, seeds);
    const reader = new FrameReader(64 * 1024);
    const frame = encodeFrame(body, 64 * 1024);
    const bodies: Buffer[] = [];
    for (let at = 0; at < frame.length; ) {
      const size = 1 + rng.below(frame.length);
      bodies.push(...reader.push(frame.subarray(at, at + size)));
      at += size;
    }
    assert.equal(bodies.length, 1);
    try {
      decodeMessage(bodies[0] as Buffer);
      decoded++;
    } catch (error) {
      assert.ok(
        error instanceof MalformedMessageError || error instanceof UnsafeIntegerError,
        `round ${round}: ${String(error)}`,
      );
    }
  }
  // The mutations must still reach the decoder's inner paths often, or the test proves little.
  assert.ok(decoded > ROUNDS / 20, `only ${decoded} mutated frames decoded`);
});

test("random length prefixes are refused or awaited, never allocated beyond the limit", () => {
  const rng = new XorShift(0x2545f4914f6cdd1dn);
  for (let round = 0; round < 1_000; round++) {
    const reader = new FrameReader(1024);
    const prefix = Buffer.alloc(4);
    prefix.writeUInt32BE(rng.next() >>> 0);
    try {
      assert.deepEqual(reader.push(prefix), prefix.readUInt32BE() === 0 ? [Buffer.alloc(0)] : []);
      assert.ok(prefix.readUInt32BE() <= 1024);
    } catch (error) {
      assert.ok(error instanceof FrameTooLargeError && error.length > 1024);
    }
  }
});
