/**
 * The rules of the upgrade hand-over on their own: which versions count as older (the
 * Rust client's cases, and semver's precedence examples), and whether the real agent's
 * data-dir lock is seen as held while it runs and free once it has gone.
 */

import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";

import { LOCK_FILE } from "../src/index.js";
import { holdsLock, isOlder } from "../src/upgrade.js";
import { TestAgent } from "./support/agent.js";

test("only a semver version of lower precedence is older", () => {
  assert.ok(isOlder("0.1.0", "0.2.0"));
  assert.ok(isOlder("0.9.9", "0.10.0"));
  assert.ok(isOlder("1.0.0-beta.2", "1.0.0"));
  assert.ok(isOlder("1.0.0-alpha.9", "1.0.0-alpha.10"));
  assert.ok(isOlder("9007199254740993.0.0", "9007199254740994.0.0"), "beyond 2^53 too");
  assert.ok(!isOlder("0.2.0", "0.2.0"));
  assert.ok(!isOlder("0.3.0", "0.2.0"));
  assert.ok(!isOlder("0.2.0+build.1", "0.2.0+build.2"), "build metadata is no upgrade");
  for (const unparsed of ["dev", "v0.1.0", "0.1", "01.0.0", "0.1.0-", "0.1.0-01", " 0.1.0"]) {
    assert.ok(!isOlder(unparsed, "0.2.0"), unparsed);
    assert.ok(!isOlder("0.1.0", unparsed), unparsed);
  }
  // semver.org's example of precedence, lowest first.
  const ordered = [
    "1.0.0-alpha",
    "1.0.0-alpha.1",
    "1.0.0-alpha.beta",
    "1.0.0-beta",
    "1.0.0-beta.2",
    "1.0.0-beta.11",
    "1.0.0-rc.1",
    "1.0.0",
  ];
  for (let i = 1; i < ordered.length; i++) {
    const [lower, higher] = [ordered[i - 1] as string, ordered[i] as string];
    assert.ok(isOlder(lower, higher), `${lower} < ${higher}`);
    assert.ok(!isOlder(higher, lower), `${higher} > ${lower}`);
  }
});

test("the agent's lock is seen as held while it runs, and free once it has gone", async () => {
  const agent = await TestAgent.start();
  const lock = path.join(agent.dataDir, LOCK_FILE);
  try {
    assert.equal(await holdsLock(lock), true);
    await agent.kill();
    assert.equal(await holdsLock(lock), false);
  } finally {
    await agent.stop();
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "llm-agent-lock-"));
  try {
    assert.equal(await holdsLock(path.join(dir, LOCK_FILE)), false, "no file");
    writeFileSync(path.join(dir, LOCK_FILE), "4242\n");
    assert.equal(await holdsLock(path.join(dir, LOCK_FILE)), false, "a file nobody locks");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
