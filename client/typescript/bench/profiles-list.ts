/**
 * Benchmark (not a test): `profiles.list` with 50 profiles through the TypeScript client,
 * against a plain Node socket ping-pong that moves the same bytes, in one run.
 *
 * The agent is the real binary (`$LLM_AGENT_BIN`; build it with `--release` for figures
 * worth quoting) with a private keyring, holding 50 profiles, one in five with a key, as
 * `tests/benches/vault.rs` makes them. The ping-pong server runs in a process of its own,
 * as the agent does, and answers each request frame with a copy of the agent's real
 * answer; its client writes the client's real request frame and waits for the whole
 * answer, decoding nothing. Each case runs in a worker thread of its own (its own V8
 * isolate), and the cases alternate in blocks, so all see the same machine.
 *
 * `--baseline DIR` adds the same client cases for another build of this package (DIR is
 * its `build/src`, as `tsc -p tsconfig.json` leaves it), interleaved with this one's:
 * before and after figures from one run.
 *
 * Usage: npm run bench [-- --quick] [-- --baseline DIR]
 */

import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

import { decodeMessage, encodeMessageFrame, requestEnvelope } from "../src/codec.js";
import { FrameReader } from "../src/framing.js";
import { type AgentClient, type CreateParams, DEFAULT_MAX_FRAME_LEN, PROTOCOL_VERSION } from "../src/index.js";
import { TestAgent } from "../test/support/agent.js";
import { KeyringSession } from "../test/support/keyring.js";
import { agentBinary } from "../test/support/paths.js";
import type { CaseCommand, CaseSpec } from "./case-worker.js";

const PROFILES = 50;
/** One profile in this many is a remote one with a key. */
const KEYED_EVERY = 5;
const quick = process.argv.includes("--quick");
const baselineFlag = process.argv.indexOf("--baseline");
const baselineDir = baselineFlag === -1 ? undefined : process.argv[baselineFlag + 1];
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

/** The handshake of the benchmark's raw connections to the agent. */
const HELLO_FRAME = encodeMessageFrame(
  requestEnvelope(1, "hello", { protocol: PROTOCOL_VERSION, client: { name: "bench", version: "0" } }),
  DEFAULT_MAX_FRAME_LEN,
);

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
  socket.write(HELLO_FRAME);
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

/** A case running in its own worker thread. */
class BenchCase {
  readonly name: string;
  readonly samples: number[] = [];
  readonly #worker: Worker;
  /** Settles with the worker's exit code: a reply that never comes. */
  readonly #exited: Promise<unknown[]>;
  #failed: Error | undefined;

  private constructor(name: string, worker: Worker) {
    this.name = name;
    this.#worker = worker;
    worker.on("error", (error) => (this.#failed = error));
    this.#exited = once(worker, "exit");
  }

  static async start(name: string, spec: CaseSpec): Promise<BenchCase> {
    const worker = new Worker(new URL("./case-worker.js", import.meta.url), { workerData: spec });
    const benchCase = new BenchCase(name, worker);
    await benchCase.#reply();
    return benchCase;
  }

  /** Times `rounds` operations; with `keep`, adds their durations to the samples. */
  async run(rounds: number, keep: boolean): Promise<void> {
    this.#worker.postMessage({ rounds } satisfies CaseCommand);
    const samples = (await this.#reply()) as Float64Array;
    if (keep) {
      this.samples.push(...samples);
    }
  }

  async stop(): Promise<void> {
    this.#worker.postMessage({ stop: true } satisfies CaseCommand);
    await this.#exited;
  }

  async #reply(): Promise<unknown> {
    const [message] = (await Promise.race([once(this.#worker, "message"), this.#exited])) as unknown[];
    if (this.#failed !== undefined || typeof message === "number") {
      throw new Error(`bench case ${this.name} failed`, { cause: this.#failed });
    }
    return message;
  }
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), "llm-agent-bench-"));
  const keyring = await KeyringSession.start();
  const agent = await TestAgent.start({ keyring });
  let client: AgentClient | undefined;
  let server: ChildProcess | undefined;
  const cases: BenchCase[] = [];
  try {
    client = await agent.client();
    for (let index = 0; index < PROFILES; index++) {
      await client.profiles.create(profile(index));
    }
    client.close();
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
    const body = answer.subarray(4);
    const thisBuild = fileURLToPath(new URL("../src/", import.meta.url));
    const builds: Array<[string, string]> = [["", thisBuild]];
    if (baselineDir !== undefined) {
      builds.push([" (baseline)", path.resolve(baselineDir)]);
    }
    const pingPong = await BenchCase.start("raw ping-pong, same bytes, no decode (other process)", {
      kind: "raw",
      socketPath: path.join(scratch, "pingpong.sock"),
      request,
      responseLength: answer.length,
    });
    const lists: BenchCase[] = [];
    const decodes: BenchCase[] = [];
    for (const [label, dir] of builds) {
      lists.push(
        await BenchCase.start(`profiles.list through AgentClient${label}`, {
          kind: "client",
          clientModule: pathToFileURL(path.join(dir, "index.js")).href,
          socketPath: agent.socketPath,
          profiles: PROFILES,
        }),
      );
      decodes.push(
        await BenchCase.start(`  decoding the answer, alone${label}`, {
          kind: "decode",
          codecModule: pathToFileURL(path.join(dir, "codec.js")).href,
          body,
        }),
      );
    }
    // Where the time goes: the same frames to the agent itself, undecoded, and the decode alone.
    const agentRaw = await BenchCase.start("  the same frames to the agent, no decode", {
      kind: "raw",
      socketPath: agent.socketPath,
      request,
      responseLength: answer.length,
      hello: HELLO_FRAME,
    });
    cases.push(pingPong, ...lists, agentRaw, ...decodes);

    for (const benchCase of cases) {
      await benchCase.run(WARMUP, false);
    }
    for (let block = 0; block < BLOCKS; block++) {
      for (const benchCase of cases) {
        await benchCase.run(PER_BLOCK, true);
      }
    }
    for (const benchCase of cases) {
      benchCase.samples.sort((a, b) => a - b);
    }
    const row = (benchCase: BenchCase): string =>
      `  ${benchCase.name.padEnd(52)} ${percentile(benchCase.samples, 0.5).toFixed(1).padStart(8)} ${percentile(
        benchCase.samples,
        0.99,
      )
        .toFixed(1)
        .padStart(8)} ${String(benchCase.samples.length).padStart(7)}`;
    console.log(
      `node ${process.version}, ${os.cpus().length} CPUs, agent ${agentBinary()}${quick ? " (quick)" : ""}${
        baselineDir === undefined ? "" : `, baseline ${path.resolve(baselineDir)}`
      }`,
    );
    console.log(
      `request frame ${request.length} bytes, answer frame ${answer.length} bytes (${PROFILES} profiles, ${Math.ceil(PROFILES / KEYED_EVERY)} with a key)`,
    );
    console.log(`  ${"case".padEnd(52)} ${"p50 µs".padStart(8)} ${"p99 µs".padStart(8)} ${"samples".padStart(7)}`);
    console.log(row(pingPong));
    for (const list of lists) {
      console.log(row(list));
    }
    console.log("where the client's time goes:");
    for (const benchCase of [agentRaw, ...decodes]) {
      console.log(row(benchCase));
    }
    for (const list of lists) {
      const ratio = (q: number): string => (percentile(list.samples, q) / percentile(pingPong.samples, q)).toFixed(2);
      console.log(
        `ratio ${list.name.replace("profiles.list through AgentClient", "profiles.list")}/ping-pong: ${ratio(0.5)}x at p50 (goal: at most 2x), ${ratio(0.99)}x at p99`,
      );
    }
  } finally {
    for (const benchCase of cases) {
      await benchCase.stop();
    }
    client?.close();
    server?.kill("SIGTERM");
    await agent.stop();
    keyring.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
