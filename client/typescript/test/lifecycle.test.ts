/**
 * The agent's life as the client sees it, with the real binary: killed and restarted
 * under a connected client (calls in flight fail, the client comes back by itself,
 * subscriptions are restored, state subscriptions resumed or told to resync), started by auto-spawn exactly once however many calls
 * race for it, the agent's lock deciding between two clients that both start one, the
 * hand-over from an older agent after an app update (once, never a chain), and spawn
 * failures that say what to do.
 */

import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";

import {
  AGENT_VERSION,
  AgentClient,
  type AgentClientOptions,
  AgentSpawnError,
  type ConnectionState,
  DisconnectedError,
  type SpawnFailure,
} from "../src/index.js";
import { TestAgent } from "./support/agent.js";
import { startStalledServer } from "./support/fake-servers.js";
import { agentBinary } from "./support/paths.js";

const scratch = mkdtempSync(path.join(os.tmpdir(), "llm-agent-ts-life-"));
/** Agents auto-spawn started, to stop when the tests end. */
const spawnedPids = new Set<number>();

after(() => {
  for (const pid of spawnedPids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  rmSync(scratch, { recursive: true, force: true });
});

/** Resolves with the first state `wanted` accepts. */
function stateWhere(client: AgentClient, wanted: (state: ConnectionState) => boolean): Promise<ConnectionState> {
  return new Promise((resolve) => {
    const stop = client.onStateChange((state) => {
      if (wanted(state)) {
        stop();
        resolve(state);
      }
    });
  });
}

/**
 * A stand-in for the bundled binary that notes each start in `starts`, then runs the
 * real agent (or, with `exitCode`, exits at once as an agent that cannot start would).
 */
function countingBinary(name: string, exitCode?: number): { binary: string; starts: () => number } {
  const dir = mkdtempSync(path.join(scratch, `${name}-`));
  const binary = path.join(dir, "llm-agent");
  const starts = path.join(dir, "starts");
  writeFileSync(starts, "");
  const run = exitCode === undefined ? `exec ${JSON.stringify(agentBinary())} "$@"` : `exit ${exitCode}`;
  writeFileSync(binary, `#!/bin/sh\necho started >> ${JSON.stringify(starts)}\n${run}\n`);
  chmodSync(binary, 0o755);
  return { binary, starts: () => readFileSync(starts, "utf8").split("\n").filter(Boolean).length };
}

/** Where a spawned agent lives: its own socket and data dir. */
function spawnPlace(name: string): { socketPath: string; dataDir: string } {
  const dir = mkdtempSync(path.join(scratch, `${name}-`));
  return { socketPath: path.join(dir, "agent.sock"), dataDir: path.join(dir, "data") };
}

async function rememberAgent(client: AgentClient): Promise<number> {
  const { pid } = await client.agent.status();
  spawnedPids.add(pid);
  return pid;
}

test("after the agent is killed and restarted, the client comes back with its subscriptions", async () => {
  const agent = await TestAgent.start();
  const stalled = await startStalledServer();
  const client = await agent.client({ reconnect: { initialDelayMs: 20, maxDelayMs: 100 } });
  try {
    const subscription = await client.subscribe(["diagnostics"]);
    // A call in flight when the agent dies: a sweep that waits on a host that never answers.
    const inFlight = client.discovery.run({ timeout_ms: 10_000, extra_endpoints: [stalled.url] });
    await stalled.requested;
    const gone = stateWhere(client, (state) => state.status === "disconnected");
    const failed = assert.rejects(inFlight, DisconnectedError);
    await agent.kill();
    await failed;
    const disconnected = await gone;
    assert.ok(disconnected.status === "disconnected" && disconnected.reconnecting);

    const back = stateWhere(client, (state) => state.status === "connected");
    await agent.restart();
    await back;
    const { pid } = await client.agent.status({}, { correlationId: "after-restart" });
    assert.equal(pid, agent.pid);

    const kinds: string[] = [];
    for await (const item of subscription) {
      kinds.push(item.kind === "event" ? `event:${item.data.correlation_id ?? item.data.kind}` : item.kind);
      if (kinds.at(-1) === "event:after-restart") {
        break;
      }
    }
    const interrupted = kinds.indexOf("interrupted");
    const restored = kinds.indexOf("restored");
    assert.ok(interrupted >= 0 && restored > interrupted, kinds.join(", "));
    assert.equal(kinds.at(-1), "event:after-restart");
  } finally {
    client.close();
    await stalled.close();
    await agent.stop();
  }
});

test("a state subscription gets the changes it missed first, and a restarted agent's resync", async () => {
  const agent = await TestAgent.start();
  const client = await agent.client({ reconnect: { initialDelayMs: 20, maxDelayMs: 100 } });
  try {
    const upsert = (id: string) =>
      client.catalog.upsertModel({ provider: "openai", id, display_name: id, context_window: 8_192 });
    const { revision: read } = await client.profiles.list();
    await upsert("missed-1");
    await upsert("missed-2");
    const subscription = await client.subscribe(["catalog"], { sinceRevision: read });
    const models: string[] = [];
    const revisions: number[] = [];
    for (let i = 0; i < 2; i++) {
      const next = await subscription.next();
      assert.ok(!next.done && next.value.kind === "event" && next.value.topic === "catalog", JSON.stringify(next));
      models.push(next.value.data.model ?? "");
      revisions.push(next.value.data.revision);
    }
    assert.deepEqual(models, ["missed-1", "missed-2"], "the changes since the read, oldest first");
    const [first, last] = revisions as [number, number];
    assert.ok(first > read && last > first, revisions.join(", "));
    assert.equal(subscription.revision, last);

    // The agent restarts: it cannot say what changed while it was down.
    const back = stateWhere(client, (state) => state.status === "connected");
    await agent.kill();
    await agent.restart();
    await back;
    const kinds: string[] = [];
    let resync: number | undefined;
    while (resync === undefined) {
      const next = await subscription.next();
      assert.ok(!next.done);
      kinds.push(next.value.kind);
      if (next.value.kind === "resync") {
        resync = next.value.revision;
      }
    }
    assert.deepEqual(kinds, ["interrupted", "restored", "resync"]);
    assert.ok(resync > last, "a new run numbers above every earlier revision");
    await upsert("live");
    const live = await subscription.next();
    assert.ok(!live.done && live.value.kind === "event" && live.value.topic === "catalog");
    assert.equal(live.value.data.model, "live");
    assert.ok(live.value.data.revision > resync);
  } finally {
    client.close();
    await agent.stop();
  }
});

test("auto-spawn starts the agent once, however many calls race for it", async () => {
  const { binary, starts } = countingBinary("once");
  const { socketPath, dataDir } = spawnPlace("once");
  const options: AgentClientOptions = {
    socketPath,
    dataDir,
    autoSpawn: { agentBinary: binary, env: TestAgent.environment() },
    reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000 },
  };
  const client = await AgentClient.connect(options);
  try {
    const firstPid = await rememberAgent(client);
    assert.equal(starts(), 1);

    // The agent dies; twenty calls then race for a new one.
    const gone = stateWhere(client, (state) => state.status === "disconnected");
    process.kill(firstPid, "SIGKILL");
    await gone;
    const statuses = await Promise.all(Array.from({ length: 20 }, () => client.agent.status()));
    const pids = new Set(statuses.map((status) => status.pid));
    assert.equal(pids.size, 1, "every call reached the same agent");
    assert.notEqual([...pids][0], firstPid);
    spawnedPids.add([...pids][0] as number);
    assert.equal(starts(), 2, "one start per outage");
  } finally {
    client.close();
  }
});

test("when two clients start an agent at once, its lock decides and both use the one that runs", async () => {
  const { binary, starts } = countingBinary("race");
  const { socketPath, dataDir } = spawnPlace("race");
  const options: AgentClientOptions = {
    socketPath,
    dataDir,
    autoSpawn: { agentBinary: binary, env: TestAgent.environment() },
    reconnect: false,
  };
  const clients = await Promise.all([AgentClient.connect(options), AgentClient.connect(options)]);
  try {
    const pids = await Promise.all(clients.map(rememberAgent));
    assert.equal(pids[0], pids[1], "both clients talk to one agent");
    assert.ok(starts() >= 1 && starts() <= 2, `${starts()} starts`);
  } finally {
    for (const client of clients) {
      client.close();
    }
  }
});

/** An agent from before an app update: it reports an older version than this client expects. */
async function olderAgent(version = "0.0.1"): Promise<TestAgent> {
  return TestAgent.start({ args: ["--pretend-version", version] });
}

/** Connects to `agent`'s socket and data dir as the app does, auto-spawn starting `binary`. */
function connectAsTheApp(agent: TestAgent, binary: string, expectedVersion?: string): Promise<AgentClient> {
  return AgentClient.connect({
    socketPath: agent.socketPath,
    dataDir: agent.dataDir,
    autoSpawn: { agentBinary: binary, env: TestAgent.environment(), expectedVersion },
    reconnect: false,
  });
}

test("an older agent is asked to shut down and the new one started once it has let go", async () => {
  const old = await olderAgent();
  const { binary, starts } = countingBinary("upgrade");
  const stalled = await startStalledServer();
  // Another client's sweep keeps the old agent (and its lock) alive for a while after it
  // is asked to go: it finishes what is in flight. A new agent started before the lock
  // is free would exit at once.
  const other = await old.client({ reconnect: false });
  try {
    const oldPid = old.pid;
    const sweep = other.discovery.run({ timeout_ms: 1_500, extra_endpoints: [stalled.url] });
    await stalled.requested;
    const client = await connectAsTheApp(old, binary);
    try {
      assert.equal(client.hello?.agent_version, AGENT_VERSION);
      assert.equal((await sweep).trigger, "manual", "the old agent finished the sweep before it went");
      assert.deepEqual(await old.exited(), { code: 0, signal: null }, "the old agent shut down gracefully");
      const status = await client.agent.status();
      spawnedPids.add(status.pid);
      assert.notEqual(status.pid, oldPid);
      assert.equal(status.data_dir, old.dataDir);
      assert.equal(starts(), 1);
    } finally {
      client.close();
    }
  } finally {
    other.close();
    await stalled.close();
    await old.stop();
  }
});

test("the hand-over happens once, even when the agent it starts is older than expected too", async () => {
  const old = await olderAgent();
  const { binary, starts } = countingBinary("upgrade-once");
  try {
    // The client expects a version no agent has: the one it starts is older too.
    const client = await connectAsTheApp(old, binary, "99.0.0");
    try {
      assert.equal(client.hello?.agent_version, AGENT_VERSION);
      assert.equal((await old.exited()).code, 0);
      await rememberAgent(client);
      assert.equal(starts(), 1, "one generation replaced, not a chain of them");
    } finally {
      client.close();
    }
  } finally {
    await old.stop();
  }
});

test("a newer or equal agent is kept", async () => {
  for (const version of ["99.0.0", AGENT_VERSION]) {
    const agent = await olderAgent(version);
    const { binary, starts } = countingBinary("kept");
    try {
      const client = await connectAsTheApp(agent, binary);
      try {
        assert.equal(client.hello?.agent_version, version);
        assert.equal((await client.agent.status()).pid, agent.pid);
        assert.equal(starts(), 0);
      } finally {
        client.close();
      }
    } finally {
      await agent.stop();
    }
  }
});

test("a spawn that fails says why, and is tried once per outage", async () => {
  const expectFailure = async (agentBinaryPath: string, failure: SpawnFailure): Promise<AgentSpawnError> => {
    const { socketPath } = spawnPlace(failure);
    let caught: unknown;
    try {
      await AgentClient.connect({ socketPath, autoSpawn: { agentBinary: agentBinaryPath, readyTimeoutMs: 2_000 } });
    } catch (error) {
      caught = error;
    }
    assert.ok(caught instanceof AgentSpawnError, String(caught));
    assert.equal(caught.failure, failure);
    assert.equal(caught.code, "SPAWN_FAILED");
    assert.ok(caught.remediation, `${failure} says what to do`);
    return caught;
  };
  await expectFailure("llm-agent", "not_absolute");
  await expectFailure(path.join(scratch, "nowhere", "llm-agent"), "not_found");
  await expectFailure(path.join(scratch, "app.asar", "llm-agent"), "inside_asar");
  const exits = countingBinary("exits", 3);
  const exited = await expectFailure(exits.binary, "exited");
  assert.deepEqual(exited.exit, { code: 3, signal: null });
  assert.equal(exits.starts(), 1);
});

test("after a failed spawn, later calls in the same outage do not spawn again", async () => {
  const agent = await TestAgent.start();
  const exits = countingBinary("outage", 3);
  const client = await AgentClient.connect({
    socketPath: agent.socketPath,
    autoSpawn: { agentBinary: exits.binary, readyTimeoutMs: 2_000 },
    reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000 },
  });
  try {
    const gone = stateWhere(client, (state) => state.status === "disconnected");
    await agent.kill();
    await gone;
    await assert.rejects(client.agent.status(), AgentSpawnError);
    await assert.rejects(client.agent.status(), (error: unknown) => {
      assert.ok(!(error instanceof AgentSpawnError), "no second spawn in the same outage");
      return true;
    });
    assert.equal(exits.starts(), 1);
  } finally {
    client.close();
    await agent.stop();
  }
});
