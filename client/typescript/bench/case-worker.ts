/**
 * One case of the benchmark, in a worker thread of its own: its own V8 isolate, so the
 * cases (and a baseline build of the client, with `--baseline`) share no module instance
 * and no JIT feedback, while the main thread interleaves their blocks in one run.
 *
 * The main thread posts `{ rounds }`; the worker times that many operations and posts
 * back their durations in µs. `{ stop: true }` closes what the case opened.
 */

import { once } from "node:events";
import net from "node:net";
import { parentPort, workerData } from "node:worker_threads";

import { FrameReader } from "../src/framing.js";
import { type AgentClient, DEFAULT_MAX_FRAME_LEN } from "../src/index.js";

/** What the main thread tells a worker to time. */
export type CaseSpec =
  /** `profiles.list` through `AgentClient`, as `clientModule` (a built `index.js`) exports it. */
  | { kind: "client"; clientModule: string; socketPath: string; profiles: number }
  /** `decodeMessage` of `codecModule` (a built `codec.js`) on the answer's body. */
  | { kind: "decode"; codecModule: string; body: Uint8Array }
  /** `request` written as it is, until `responseLength` bytes came back; nothing decoded. */
  | { kind: "raw"; socketPath: string; request: Uint8Array; responseLength: number; hello?: Uint8Array };

export type CaseCommand = { rounds: number } | { stop: true };

async function operation(spec: CaseSpec): Promise<{ run: () => Promise<unknown>; stop: () => void }> {
  switch (spec.kind) {
    case "client": {
      const { AgentClient: Client } = (await import(spec.clientModule)) as { AgentClient: typeof AgentClient };
      const client = await Client.connect({ socketPath: spec.socketPath, reconnect: false });
      return {
        run: async () => {
          const { profiles } = await client.profiles.list();
          if (profiles.length !== spec.profiles) {
            throw new Error(`profiles.list answered ${profiles.length} profiles`);
          }
        },
        stop: () => client.close(),
      };
    }
    case "decode": {
      const { decodeMessage } = (await import(spec.codecModule)) as { decodeMessage: (body: Uint8Array) => unknown };
      const body = Buffer.from(spec.body);
      return { run: async () => decodeMessage(body), stop: () => undefined };
    }
    case "raw": {
      const socket = net.createConnection(spec.socketPath);
      await once(socket, "connect");
      const request = Buffer.from(spec.request);
      const roundTrip = (frame: Buffer, responseLength: number): Promise<void> =>
        new Promise((resolve) => {
          let received = 0;
          const onData = (chunk: Buffer): void => {
            received += chunk.length;
            if (received >= responseLength) {
              socket.off("data", onData);
              resolve();
            }
          };
          socket.on("data", onData);
          socket.write(frame);
        });
      if (spec.hello !== undefined) {
        await handshake(socket, Buffer.from(spec.hello));
      }
      return { run: () => roundTrip(request, spec.responseLength), stop: () => socket.destroy() };
    }
  }
}

/** Writes `hello` and waits for the whole answer, so no byte of it counts as a round trip's. */
function handshake(socket: net.Socket, hello: Buffer): Promise<void> {
  const reader = new FrameReader(DEFAULT_MAX_FRAME_LEN);
  return new Promise((resolve) => {
    const onData = (chunk: Buffer): void => {
      if (reader.push(chunk).length > 0) {
        socket.off("data", onData);
        resolve();
      }
    };
    socket.on("data", onData);
    socket.write(hello);
  });
}

const port = parentPort;
if (port === null) {
  throw new Error("case-worker runs as a worker thread of the benchmark");
}
const { run, stop } = await operation(workerData as CaseSpec);
port.on("message", (command: CaseCommand) => {
  if ("stop" in command) {
    stop();
    port.close();
    return;
  }
  void (async () => {
    const samples = new Float64Array(command.rounds);
    for (let round = 0; round < command.rounds; round++) {
      const start = process.hrtime.bigint();
      await run();
      samples[round] = Number(process.hrtime.bigint() - start) / 1_000;
    }
    port.postMessage(samples, [samples.buffer]);
  })();
});
port.postMessage("ready");
