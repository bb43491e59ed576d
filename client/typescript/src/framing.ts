/**
 * The frame: a u32 big-endian body length, then the body (one MessagePack value).
 *
 * {@link FrameReader} checks each length prefix against the limit before it keeps any
 * byte of the body, so a hostile prefix costs nothing; a frame that fits in the chunk
 * it arrived in is handed on without a copy.
 */

import { DEFAULT_MAX_FRAME_LEN, FRAME_HEADER_LEN } from "./generated/constants.js";

/** A frame whose length prefix exceeds the limit. */
export class FrameTooLargeError extends Error {
  readonly length: number;
  readonly maxLength: number;

  constructor(length: number, maxLength: number) {
    super(`frame of ${length} bytes exceeds the limit of ${maxLength} bytes`);
    this.name = "FrameTooLargeError";
    this.length = length;
    this.maxLength = maxLength;
  }
}

/** Splits a byte stream into frame bodies. */
export class FrameReader {
  /** The largest body accepted, in bytes. */
  maxLength: number;
  readonly #header = Buffer.alloc(FRAME_HEADER_LEN);
  #headerFilled = 0;
  /** The body being filled across chunks, once its header has been read. */
  #body: Buffer | undefined;
  #bodyFilled = 0;

  constructor(maxLength: number = DEFAULT_MAX_FRAME_LEN) {
    this.maxLength = maxLength;
  }

  /** Whether a frame has begun and not ended: end of stream now would cut it short. */
  get inFrame(): boolean {
    return this.#headerFilled > 0 || this.#body !== undefined;
  }

  /**
   * Takes the next chunk of the stream and returns the bodies it completes, in order.
   * Throws {@link FrameTooLargeError} as soon as a length prefix exceeds the limit.
   */
  push(chunk: Buffer): Buffer[] {
    const bodies: Buffer[] = [];
    let at = 0;
    while (at < chunk.length) {
      if (this.#body !== undefined) {
        const taken = Math.min(this.#body.length - this.#bodyFilled, chunk.length - at);
        chunk.copy(this.#body, this.#bodyFilled, at, at + taken);
        this.#bodyFilled += taken;
        at += taken;
        if (this.#bodyFilled === this.#body.length) {
          bodies.push(this.#body);
          this.#body = undefined;
        }
        continue;
      }
      let length: number;
      if (this.#headerFilled === 0 && chunk.length - at >= FRAME_HEADER_LEN) {
        length = chunk.readUInt32BE(at);
        at += FRAME_HEADER_LEN;
      } else {
        const taken = Math.min(FRAME_HEADER_LEN - this.#headerFilled, chunk.length - at);
        chunk.copy(this.#header, this.#headerFilled, at, at + taken);
        this.#headerFilled += taken;
        at += taken;
        if (this.#headerFilled < FRAME_HEADER_LEN) {
          break;
        }
        this.#headerFilled = 0;
        length = this.#header.readUInt32BE(0);
      }
      if (length > this.maxLength) {
        throw new FrameTooLargeError(length, this.maxLength);
      }
      if (chunk.length - at >= length) {
        bodies.push(chunk.subarray(at, at + length));
        at += length;
      } else {
        this.#body = Buffer.allocUnsafe(length);
        this.#bodyFilled = 0;
      }
    }
    return bodies;
  }
}

/** Prefixes `body` with its length, in one buffer ready for one write. */
export function encodeFrame(body: Uint8Array, maxLength: number): Buffer {
  if (body.length > maxLength) {
    throw new FrameTooLargeError(body.length, maxLength);
  }
  const frame = Buffer.allocUnsafe(FRAME_HEADER_LEN + body.length);
  frame.writeUInt32BE(body.length, 0);
  frame.set(body, FRAME_HEADER_LEN);
  return frame;
}
