/**
 * MessagePack as the protocol writes it (docs/protocol.md section 3): maps with string
 * keys in the order given, the smallest integer encodings, float64 for fractions, absent
 * rather than nil for a field without a value, and one value per frame.
 *
 * Two rules matter for JavaScript:
 * - `undefined` is never written: a field set to `undefined` is left out, as if absent.
 *   For a `Patch` field that is "keep", never "clear" (only `null` clears).
 * - Integers are numbers. The agent's integers stay far below 2^53; one beyond
 *   `Number.MAX_SAFE_INTEGER` would lose precision as a number, so such a frame is
 *   refused ({@link UnsafeIntegerError}) rather than rounded.
 */

import { Decoder, Encoder } from "@msgpack/msgpack";

import type { CancelEnvelope } from "./generated/CancelEnvelope.js";
import { DEFAULT_MAX_FRAME_LEN } from "./generated/constants.js";
import type { RequestEnvelope } from "./generated/RequestEnvelope.js";
import { encodeFrame } from "./framing.js";

const newEncoder = (): Encoder => new Encoder({ ignoreUndefined: true, initialBufferSize: 4096 });
let encoder = newEncoder();
/**
 * The most an encoder's buffer grows to for a body within the frame limit (it doubles
 * what it needs). Beyond it, a request too large to send has grown it, and it is let go.
 */
const ENCODER_BUFFER_KEPT = 2 * DEFAULT_MAX_FRAME_LEN;

// Every length is bounded by the frame, so no decoder limit needs to be tighter than it.
const limits = {
  maxStrLength: DEFAULT_MAX_FRAME_LEN,
  maxBinLength: DEFAULT_MAX_FRAME_LEN,
  maxArrayLength: DEFAULT_MAX_FRAME_LEN,
  maxMapLength: DEFAULT_MAX_FRAME_LEN,
  maxExtLength: DEFAULT_MAX_FRAME_LEN,
};

/**
 * The members of @msgpack/msgpack's `Decoder` (3.1, pinned exactly in package.json) that
 * {@link NativeStringDecoder} relies on. They are private in its declarations.
 */
interface DecoderInternals {
  bytes: Uint8Array;
  pos: number;
  maxStrLength: number;
  stateIsMapKey(): boolean;
  decodeUtf8String(byteLength: number, headerOffset: number): string;
}

/**
 * `Decoder`, with string values decoded by Node's native UTF-8 decoder.
 *
 * The library decodes a string of up to 200 bytes with a JavaScript loop, and the
 * answers' strings are short (ids, timestamps, names, endpoints): that loop was 45% of
 * the time a 50-profile `profiles.list` answer took to decode. It has no option for the
 * step, so this class replaces its one method for it. Map keys still go through the
 * library's key cache, and a string over the limit or cut short through its own checks
 * and errors. The bodies it is given are always Buffers ({@link decodeMessage}). Node
 * decodes invalid UTF-8 to U+FFFD, as the library already does for longer strings.
 */
class NativeStringDecoder extends Decoder {}

const libraryDecoder = Decoder.prototype as unknown as Partial<DecoderInternals>;
const decodeWithLibrary = libraryDecoder.decodeUtf8String;
// Should a later version rename these internals, the library's own decoding stands (and
// the test of invalid UTF-8 in golden.test.ts fails).
if (typeof decodeWithLibrary === "function" && typeof libraryDecoder.stateIsMapKey === "function") {
  (NativeStringDecoder.prototype as unknown as DecoderInternals).decodeUtf8String = function decodeUtf8String(
    this: DecoderInternals,
    byteLength: number,
    headerOffset: number,
  ): string {
    const start = this.pos + headerOffset;
    const end = start + byteLength;
    if (this.stateIsMapKey() || byteLength > this.maxStrLength || end > this.bytes.byteLength) {
      return decodeWithLibrary.call(this, byteLength, headerOffset);
    }
    this.pos = end;
    return (this.bytes as Buffer).toString("utf8", start, end);
  };
}

const numberDecoder = new NativeStringDecoder(limits);
/** Decodes 64-bit encodings as bigint, so their exact value can be checked. */
const exactDecoder = new NativeStringDecoder({ ...limits, useBigInt64: true });

/** The MessagePack markers of uint64 and int64, the only encodings that can exceed 2^53. */
const UINT64_MARKER = 0xcf;
const INT64_MARKER = 0xd3;

/** The frame's bytes are not exactly one MessagePack value. */
export class MalformedMessageError extends Error {
  constructor(cause: unknown) {
    super(`the frame is not one MessagePack value: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = "MalformedMessageError";
  }
}

/** A frame holds an integer that a JavaScript number cannot carry exactly. */
export class UnsafeIntegerError extends Error {
  constructor(value: bigint) {
    super(`the frame holds the integer ${value}, beyond what a JavaScript number carries exactly (2^53)`);
    this.name = "UnsafeIntegerError";
  }
}

/**
 * Encodes one message as a whole frame, length prefix included. Throws
 * `FrameTooLargeError` (framing.ts) when its body exceeds `maxLength`.
 */
export function encodeMessageFrame(message: unknown, maxLength: number): Buffer {
  const body = encoder.encodeSharedRef(message);
  try {
    // The encoder's own buffer, copied once, into the frame.
    return encodeFrame(body, maxLength);
  } finally {
    // The encoder keeps the largest buffer it ever grew, for the life of the process.
    if (body.buffer.byteLength > ENCODER_BUFFER_KEPT) {
      encoder = newEncoder();
    }
  }
}

/**
 * Decodes one frame body, which must hold exactly one MessagePack value. Throws
 * {@link MalformedMessageError} or {@link UnsafeIntegerError}.
 */
export function decodeMessage(body: Uint8Array): unknown {
  // Without a 64-bit marker byte anywhere there is no 64-bit integer, and the fast
  // decoder is exact; with one (perhaps only inside a string), decode exactly and check.
  // Buffer's indexOf is a native byte search; a Uint8Array's includes is not.
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const mayHoldLargeIntegers = bytes.indexOf(UINT64_MARKER) !== -1 || bytes.indexOf(INT64_MARKER) !== -1;
  let value: unknown;
  try {
    value = (mayHoldLargeIntegers ? exactDecoder : numberDecoder).decode(bytes);
  } catch (error) {
    throw new MalformedMessageError(error);
  }
  return mayHoldLargeIntegers ? withSafeNumbers(value) : value;
}

/** Replaces every bigint by the number it equals, or throws when none does. */
function withSafeNumbers(root: unknown): unknown {
  const toNumber = (value: bigint): number => {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new UnsafeIntegerError(value);
    }
    return Number(value);
  };
  if (typeof root === "bigint") {
    return toNumber(root);
  }
  // Iterative, so a deeply nested hostile frame cannot exhaust the stack.
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const container = pending.pop();
    if (Array.isArray(container)) {
      for (let i = 0; i < container.length; i++) {
        const item: unknown = container[i];
        if (typeof item === "bigint") {
          container[i] = toNumber(item);
        } else if (typeof item === "object" && item !== null) {
          pending.push(item);
        }
      }
    } else if (typeof container === "object" && container !== null && !(container instanceof Uint8Array)) {
      const record = container as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        const item = record[key];
        if (typeof item === "bigint") {
          record[key] = toNumber(item);
        } else if (typeof item === "object" && item !== null) {
          pending.push(item);
        }
      }
    }
  }
  return root;
}

/** A request as it goes on the wire: keys in the protocol's order, no `correlation_id` when none. */
export function requestEnvelope(
  id: number,
  method: string,
  params: unknown,
  correlationId?: string,
): { type: "request" } & RequestEnvelope {
  return correlationId === undefined
    ? { type: "request", id, method, params }
    : { type: "request", id, method, params, correlation_id: correlationId };
}

/** A cancel of request `id`. */
export function cancelEnvelope(id: number): { type: "cancel" } & CancelEnvelope {
  return { type: "cancel", id };
}
