/**
 * Benchmark (not a test): `profiles.list` with 50 profiles through the TypeScript client,
 * against a plain Node socket ping-pong that moves the same bytes, in one run.
 *
 * The agent is the real binary (`$LLM_AGENT_BIN`; build it with `--release` for figures
 * worth quoting) with a private keyring, holding 50 profiles, one in five with a key, as
 * `tests/benches/vault.rs` makes them. The ping-pong server runs in a process of its own,
 * as the agent does, and answers each request frame with a copy of the agent's real
 * answer; its client writes the client's real request frame and waits for the whole
 * answer, decoding nothing. The two alternate in blocks, so both see the same machine.
 *
 * Usage: npm run bench [-- --quick]
 */

import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

import { decodeMessage, encodeMessageFrame, requestEnvelope } from "../src/codec.js";
import { FrameReader } from "../src/framing.js";
import { type AgentClient, type CreateParams, DEFAULT_MAX_FRAME_LEN, PROTOCOL_VERSION } from "../src/index.js";
import { TestAgent } from "../test/support/agent.js";
import { KeyringSession } from "../test/support/keyring.js";
import { agentBinary } from "../test/support/paths.js";

const PROFILES = 50;
/** One profile in this many is a remote one with a key. */
const KEYED_EVERY = 5;
const quick = process.argv.includes("--quick");
const WARMUP = quick ? 200 : 2_000;
const BLOCKS = quick ? 4 : 20;
const PER_BLOCK = quick ? 250 : 500;

function profile(index: number): CreateParams {
  const name = `bench ${String(index).padStart(2, "0")}`;
  return index % KEYED_EVERY === 0
    ? {
        name,
        provider: "openai",
        endpoint: "https://api.openai.com/v1",
        model: "gpt-4o-mini",
        api_key: `sk-bench-${String(index).padStart(4, "0")}-abcdefghijklmnopqrstuvwxyz`,
        consent_granted_at: "2026-01-02T03:04:05Z",
      }
    : { name, provider: "ollama", endpoint: "http://127.0.0.1:11434", model: "llama3.2" };
}

/** One round trip of raw frames on `socket`: write `request`, wait for `responseLength` bytes. */
function rawRoundTrip(socket: net.Socket, request: Buffer, responseLength: number): Promise<void> {
  return new Promise((resolve) => {
    let received = 0;
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received >= responseLength) {
        socket.off("data", onData);
        resolve();
      }
    };
    socket.on("data", onData);
    socket.write(request);
  });
}

/** A socket to the agent that has completed `hello`, for raw frames. */
async function handshakenSocket(socketPath: string): Promise<net.Socket> {
  const socket = net.createConnection(socketPath);
  await once(socket, "connect");
  const hello = { protocol: PROTOCOL_VERSION, client: { name: "bench", version: "0" } };
  const frame = encodeMessageFrame(requestEnvelope(1, "hello", hello), DEFAULT_MAX_FRAME_LEN);
  const reader = new FrameReader(DEFAULT_MAX_FRAME_LEN);
  await new Promise<void>((resolve) => {
    const onData = (chunk: Buffer): void => {
      if (reader.push(chunk).length > 0) {
        socket.off("data", onData);
        resolve();
      }
    };
    socket.on("data", onData);
    socket.write(frame);
  });
  return socket;
}

/** The agent's answer to `request`, as the exact frame it sent (length prefix included). */
async function capturedAnswer(socketPath: string, request: Buffer): Promise<Buffer> {
  const socket = net.createConnection(socketPath);
  await once(socket, "connect");
  const reader = new FrameReader(DEFAULT_MAX_FRAME_LEN);
  const frames: Buffer[] = [];
  let wake: () => void = () => undefined;
  socket.on("data", (chunk: Buffer) => {
    frames.push(...reader.push(chunk).map((body) => Buffer.from(body)));
    wake();
  });
  const next = async (): Promise<Buffer> => {
    while (frames.length === 0) {
      await new Promise<void>((resolve) => (wake = resolve));
    }
    return frames.shift() as Buffer;
  };
  const hello = { protocol: PROTOCOL_VERSION, client: { name: "bench", version: "0" } };
  socket.write(encodeMessageFrame(requestEnvelope(1, "hello", hello), DEFAULT_MAX_FRAME_LEN));
  await next();
  socket.write(request);
  const body = await next();
  socket.destroy();
  const frame = Buffer.alloc(4 + body.length);
  frame.writeUInt32BE(body.length, 0);
  body.copy(frame, 4);
  return frame;
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) {
    return 0;
  }
  const rank = Math.ceil(Math.min(1, Math.max(0, q)) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

async function timed(samples: number[], rounds: number, op: () => Promise<unknown>): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    const start = process.hrtime.bigint();
    await op();
    samples.push(Number(process.hrtime.bigint() - start) / 1_000);
  }
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), "llm-agent-bench-"));
  const keyring = await KeyringSession.start();
  const agent = await TestAgent.start({ keyring });
  let client: AgentClient | undefined;
  let server: ChildProcess | undefined;
  try {
    client = await agent.client();
    for (let index = 0; index < PROFILES; index++) {
      await client.profiles.create(profile(index));
    }
    const request = encodeMessageFrame(requestEnvelope(2, "profiles.list", {}), DEFAULT_MAX_FRAME_LEN);
    const answer = await capturedAnswer(agent.socketPath, request);
    const decoded = decodeMessage(answer.subarray(4)) as { result: { profiles: unknown[] } };
    if (decoded.result.profiles.length !== PROFILES) {
      throw new Error(`the captured answer lists ${decoded.result.profiles.length} profiles`);
    }
    writeFileSync(path.join(scratch, "response"), answer);
    server = spawn(
      process.execPath,
      [
        path.join(path.dirname(fileURLToPath(import.meta.url)), "pingpong-server.js"),
        path.join(scratch, "pingpong.sock"),
        path.join(scratch, "response"),
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const lines = createInterface({ input: server.stdout as NodeJS.ReadableStream });
    await once(lines, "line");
    const raw = net.createConnection(path.join(scratch, "pingpong.sock"));
    await once(raw, "connect");
    // Where the time goes: the same frames to the agent itself, undecoded, and the decode alone.
    const direct = await handshakenSocket(agent.socketPath);

    const listed = client;
    const list = async (): Promise<void> => {
      const result = await listed.profiles.list();
      if (result.profiles.length !== PROFILES) {
        throw new Error(`profiles.list answered ${result.profiles.length} profiles`);
      }
    };
    const pingPong = (): Promise<void> => rawRoundTrip(raw, request, answer.length);
    const agentRaw = (): Promise<void> => rawRoundTrip(direct, request, answer.length);
    const body = answer.subarray(4);
    const decodeOnly = async (): Promise<void> => {
      decodeMessage(body);
    };

    const cases = [pingPong, list, agentRaw, decodeOnly];
    for (const op of cases) {
      await timed([], WARMUP, op);
    }
    const samples = cases.map((): number[] => []);
    for (let block = 0; block < BLOCKS; block++) {
      for (const [index, op] of cases.entries()) {
        await timed(samples[index] as number[], PER_BLOCK, op);
      }
    }
    raw.destroy();
    direct.destroy();
    for (const sorted of samples) {
      sorted.sort((a, b) => a - b);
    }
    const [rawSamples, listSamples, agentRawSamples, decodeSamples] = samples as [number[], number[], number[], number[]];
    const row = (what: string, sorted: number[]): string =>
      `  ${what.padEnd(52)} ${percentile(sorted, 0.5).toFixed(1).padStart(8)} ${percentile(sorted, 0.99)
        .toFixed(1)
        .padStart(8)} ${String(sorted.length).padStart(7)}`;
    console.log(
      `node ${process.version}, ${os.cpus().length} CPUs, agent ${agentBinary()}${quick ? " (quick)" : ""}`,
    );
    console.log(
      `request frame ${request.length} bytes, answer frame ${answer.length} bytes (${PROFILES} profiles, ${Math.ceil(PROFILES / KEYED_EVERY)} with a key)`,
    );
    console.log(`  ${"case".padEnd(52)} ${"p50 µs".padStart(8)} ${"p99 µs".padStart(8)} ${"samples".padStart(7)}`);
    console.log(row("raw ping-pong, same bytes, no decode (other process)", rawSamples));
    console.log(row(`profiles.list through AgentClient (real agent)`, listSamples));
    console.log("where the client's time goes:");
    console.log(row("  the same frames to the agent, no decode", agentRawSamples));
    console.log(row("  decoding the answer, alone", decodeSamples));
    const ratio = (q: number): string => (percentile(listSamples, q) / percentile(rawSamples, q)).toFixed(2);
    console.log(`ratio profiles.list/ping-pong: ${ratio(0.5)}x at p50 (goal: at most 2x), ${ratio(0.99)}x at p99`);
  } finally {
    client?.close();
    server?.kill("SIGTERM");
    await agent.stop();
    keyring.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
