/**
 * Reconnecting against a scripted agent: one attempt at a time, however many calls want
 * the agent back, and a pause before each that doubles as attempts fail, jittered.
 */

import assert from "node:assert/strict";
import { test } from "node:test";

import { reconnectDelayMs } from "../src/backoff.js";
import { AgentUnavailableError, type ConnectionState } from "../src/index.js";
import { connectedTest } from "./support/fake-agent.js";

const STATUS = { version: "9.9.9", pid: 1 };

/** Resolves with the next state the client reports. */
function nextState(client: { onStateChange(listener: (state: ConnectionState) => void): () => void }): Promise<ConnectionState> {
  return new Promise((resolve) => {
    const stop = client.onStateChange((state) => {
      stop();
      resolve(state);
    });
  });
}

test("the pause doubles from the first delay up to the longest, somewhere in the upper half of its ceiling", () => {
  const backoff = { initialDelayMs: 100, maxDelayMs: 5_000 };
  const ceilings = [100, 200, 400, 800, 1_600, 3_200, 5_000, 5_000];
  ceilings.forEach((ceiling, failedAttempts) => {
    assert.equal(reconnectDelayMs(failedAttempts, backoff, () => 0), ceiling / 2, `after ${failedAttempts} failures`);
    const longest = reconnectDelayMs(failedAttempts, backoff, () => 1 - Number.EPSILON);
    assert.ok(longest < ceiling && longest > ceiling * 0.99, `after ${failedAttempts} failures: ${longest}`);
  });
  assert.equal(reconnectDelayMs(1_000_000, backoff, () => 0), 2_500, "any number of failures stays at the longest");

  const pauses = Array.from({ length: 200 }, () => reconnectDelayMs(3, backoff));
  assert.ok(
    pauses.every((pause) => pause >= 400 && pause < 800),
    "with Math.random, every pause is in the upper half",
  );
  assert.ok(new Set(pauses).size > 100, "and clients that lost one agent do not come back in step");
});

connectedTest("calls made during an outage share one attempt", { reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000 } }, async ({ agent, client, peer }) => {
  const gone = nextState(client);
  peer.destroy();
  assert.equal((await gone).status, "disconnected");
  const calls = Array.from({ length: 5 }, () => client.request("agent.status", {}));
  const back = await agent.acceptWithHello();
  for (let answered = 0; answered < calls.length; answered++) {
    back.reply(await back.recv(), STATUS);
  }
  assert.deepEqual(await Promise.all(calls), Array(calls.length).fill(STATUS));
  // Every call was made before the first connection was accepted: a second attempt would
  // have connected by the time five round trips were done on the first.
  assert.equal(agent.connections, 2, "the first connection, and one attempt for all five calls");
});

connectedTest("when the attempt fails, the calls that waited for it fail with its error", { reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000 } }, async ({ agent, client, peer }) => {
  const gone = nextState(client);
  peer.destroy();
  await gone;
  const calls = Array.from({ length: 3 }, () => client.request("agent.status", {}));
  (await agent.accept()).destroy();
  for (const call of calls) {
    await assert.rejects(call, (error: unknown) => error instanceof AgentUnavailableError && error.code === "HANDSHAKE_FAILED");
  }
  assert.equal(agent.connections, 2, "one attempt, for all three calls");
});

connectedTest("failed attempts wait longer each time, up to the longest pause, and the app hears of the loss once", { reconnect: { initialDelayMs: 20, maxDelayMs: 80 } }, async ({ agent, client, peer }) => {
  const states: string[] = [];
  client.onStateChange((state) => states.push(state.status));
  const failures = 4;
  const times: number[] = [performance.now()];
  peer.destroy();
  for (let attempt = 0; attempt < failures; attempt++) {
    const refused = await agent.accept();
    times.push(performance.now());
    refused.destroy();
  }
  // The next attempt, made by the client's own timer, succeeds.
  const connected = nextState(client);
  const peer2 = await agent.acceptWithHello();
  assert.equal((await connected).status, "connected");
  const call = client.request("agent.status", {});
  peer2.reply(await peer2.recv(), STATUS);
  assert.deepEqual(await call, STATUS);

  // Lower bounds only: a busy machine makes every pause longer, never shorter. A timer
  // may fire up to a millisecond early by the clock it is measured with here.
  const ceilings = [20, 40, 80, 80];
  ceilings.forEach((ceiling, index) => {
    const pause = (times[index + 1] as number) - (times[index] as number);
    assert.ok(pause >= ceiling / 2 - 2, `attempt ${index + 1} came ${pause.toFixed(1)} ms after the previous, under ${ceiling / 2} ms`);
  });
  assert.deepEqual(states, ["disconnected", "connected"]);
});
