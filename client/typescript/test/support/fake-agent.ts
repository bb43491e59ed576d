/**
 * A scripted stand-in for the agent on a real Unix socket, for what the real one never
 * does: answer out of order on purpose, send a frame over the limit, send garbage, or
 * stall. Frames are read and written with the client's own codec, which the golden
 * fixtures check on their own.
 */

import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

import { test } from "node:test";

import { decodeMessage, encodeMessageFrame } from "../../src/codec.js";
import { FrameReader } from "../../src/framing.js";
import {
  AgentClient,
  type AgentClientOptions,
  DEFAULT_MAX_FRAME_LEN,
  type HelloResult,
  PROTOCOL_VERSION,
} from "../../src/index.js";

export const HELLO_RESULT: HelloResult = {
  agent_version: "9.9.9",
  protocol: PROTOCOL_VERSION,
  supported_protocols: { min: 1, max: 1 },
  capabilities: ["hello", "agent.status"],
  max_frame_len: DEFAULT_MAX_FRAME_LEN,
  max_in_flight: 64,
};

export type Message = Record<string, unknown>;

export class FakeAgent {
  readonly socketPath: string;
  readonly #dir: string;
  readonly #server: net.Server;
  readonly #accepted: FakePeer[] = [];
  readonly #waiting: Array<(peer: FakePeer) => void> = [];
  readonly #peers: FakePeer[] = [];

  private constructor(dir: string, server: net.Server) {
    this.#dir = dir;
    this.socketPath = path.join(dir, "agent.sock");
    this.#server = server;
  }

  static async start(): Promise<FakeAgent> {
    const dir = mkdtempSync(path.join(os.tmpdir(), "llm-agent-fake-"));
    const server = net.createServer();
    const agent = new FakeAgent(dir, server);
    server.on("connection", (socket) => {
      const peer = new FakePeer(socket);
      agent.#peers.push(peer);
      const waiter = agent.#waiting.shift();
      if (waiter !== undefined) {
        waiter(peer);
      } else {
        agent.#accepted.push(peer);
      }
    });
    await new Promise<void>((resolve) => server.listen(agent.socketPath, resolve));
    return agent;
  }

  /** How many connections clients have made so far. */
  get connections(): number {
    return this.#peers.length;
  }

  /** The next connection a client makes. */
  accept(): Promise<FakePeer> {
    const peer = this.#accepted.shift();
    return peer !== undefined ? Promise.resolve(peer) : new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** The next connection, with its `hello` answered. */
  async acceptWithHello(result: HelloResult = HELLO_RESULT): Promise<FakePeer> {
    const peer = await this.accept();
    const hello = await peer.recv();
    peer.send({ type: "response", id: hello["id"], correlation_id: "hello-1", result });
    return peer;
  }

  async stop(): Promise<void> {
    for (const peer of this.#peers) {
      peer.destroy();
    }
    await new Promise((resolve) => this.#server.close(resolve));
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

export class FakePeer {
  readonly socket: net.Socket;
  readonly #reader = new FrameReader(DEFAULT_MAX_FRAME_LEN);
  readonly #frames: Message[] = [];
  readonly #waiting: Array<(message: Message | undefined) => void> = [];
  #ended = false;
  /** Every byte the client sent, for tests that look at the raw stream. */
  received = Buffer.alloc(0);

  constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on("data", (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      for (const body of this.#reader.push(chunk)) {
        const message = decodeMessage(body) as Message;
        const waiter = this.#waiting.shift();
        if (waiter !== undefined) {
          waiter(message);
        } else {
          this.#frames.push(message);
        }
      }
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      this.#ended = true;
      for (const waiter of this.#waiting.splice(0)) {
        waiter(undefined);
      }
    });
  }

  /** The next message from the client; rejects when the client hangs up first. */
  async recv(): Promise<Message> {
    const message = await this.recvOrEnd();
    if (message === undefined) {
      throw new Error("the client closed the connection");
    }
    return message;
  }

  /** The next message from the client, or `undefined` once it has hung up. */
  recvOrEnd(): Promise<Message | undefined> {
    const message = this.#frames.shift();
    if (message !== undefined) {
      return Promise.resolve(message);
    }
    if (this.#ended) {
      return Promise.resolve(undefined);
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** The next message if one comes within `ms`, else `"none"` (and nothing is left waiting). */
  async recvWithin(ms: number): Promise<Message | "none"> {
    const message = this.#frames.shift();
    if (message !== undefined) {
      return message;
    }
    return new Promise((resolve) => {
      const waiter = (next: Message | undefined): void => {
        clearTimeout(timer);
        resolve(next ?? "none");
      };
      const timer = setTimeout(() => {
        this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
        resolve("none");
      }, ms);
      this.#waiting.push(waiter);
    });
  }

  send(message: unknown): void {
    this.socket.write(encodeMessageFrame(message, DEFAULT_MAX_FRAME_LEN));
  }

  /** Answers `request` with `result`. */
  reply(request: Message, result: unknown): void {
    this.send({ type: "response", id: request["id"], correlation_id: `c-${String(request["id"])}`, result });
  }

  sendRaw(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** A client connected to a fresh fake agent, that agent, and its side of the connection. */
export interface Fixture {
  agent: FakeAgent;
  client: AgentClient;
  peer: FakePeer;
}

/** Runs `body` with a client connected to a fresh fake agent (which answers `hello` with `hello`). */
export async function withConnected(
  options: AgentClientOptions,
  hello: HelloResult,
  body: (fixture: Fixture) => Promise<void>,
): Promise<void> {
  const agent = await FakeAgent.start();
  try {
    const [client, peer] = await Promise.all([
      AgentClient.connect({ socketPath: agent.socketPath, reconnect: false, ...options }),
      agent.acceptWithHello(hello),
    ]);
    try {
      await body({ agent, client, peer });
    } finally {
      client.close();
    }
  } finally {
    await agent.stop();
  }
}

/** A test with a connected client: `connectedTest(name, [options, [hello]], body)`. */
export function connectedTest(name: string, body: (fixture: Fixture) => Promise<void>): void;
export function connectedTest(
  name: string,
  options: AgentClientOptions,
  body: (fixture: Fixture) => Promise<void>,
): void;
export function connectedTest(
  name: string,
  options: AgentClientOptions,
  hello: HelloResult,
  body: (fixture: Fixture) => Promise<void>,
): void;
export function connectedTest(name: string, ...args: unknown[]): void {
  const body = args.pop() as (fixture: Fixture) => Promise<void>;
  const [options = {}, hello = HELLO_RESULT] = args as [AgentClientOptions?, HelloResult?];
  test(name, () => withConnected(options, hello, body));
}
