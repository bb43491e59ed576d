/** The socket and data-dir rule of docs/protocol.md section 1, on every platform. */

import assert from "node:assert/strict";
import { test } from "node:test";

import {
  AgentUnavailableError,
  MAX_SOCKET_PATH_LEN_OTHER_UNIX,
  maxSocketPathLength,
  resolveDataDir,
  resolveSocketPath,
} from "../src/index.js";

const home = "/home/ada";

test("an explicit path wins, then LLM_AGENT_SOCKET, and an empty variable counts as unset", () => {
  const env = { LLM_AGENT_SOCKET: "/tmp/from-env.sock", XDG_RUNTIME_DIR: "/run/user/1000" };
  assert.equal(resolveSocketPath("/tmp/explicit.sock", undefined, { env, platform: "linux" }), "/tmp/explicit.sock");
  assert.equal(resolveSocketPath(undefined, undefined, { env, platform: "linux" }), "/tmp/from-env.sock");
  assert.equal(
    resolveSocketPath(undefined, undefined, { env: { ...env, LLM_AGENT_SOCKET: "" }, platform: "linux" }),
    "/run/user/1000/llm-agent/agent.sock",
  );
});

test("Linux falls back to the data dir without an absolute XDG_RUNTIME_DIR", () => {
  const from = { env: { XDG_RUNTIME_DIR: "relative/run" }, platform: "linux" as const, homedir: home };
  assert.equal(resolveSocketPath(undefined, undefined, from), "/home/ada/.local/share/llm-agent/run/agent.sock");
  assert.equal(resolveSocketPath(undefined, "/data/x", from), "/data/x/run/agent.sock");
  assert.equal(
    resolveSocketPath(undefined, undefined, { ...from, env: { LLM_AGENT_DATA_DIR: "/srv/agent" } }),
    "/srv/agent/run/agent.sock",
  );
  assert.equal(
    resolveDataDir(undefined, { env: { XDG_DATA_HOME: "/xdg/data" }, platform: "linux", homedir: home }),
    "/xdg/data/llm-agent",
  );
});

test("macOS uses TMPDIR and Application Support", () => {
  const from = { env: { TMPDIR: "/var/folders/xy/T/" }, platform: "darwin" as const, homedir: "/Users/ada" };
  assert.equal(resolveSocketPath(undefined, undefined, from), "/var/folders/xy/T/llm-agent/agent.sock");
  assert.equal(resolveDataDir(undefined, from), "/Users/ada/Library/Application Support/llm-agent");
});

test("Windows uses a named pipe with the user name made safe, and APPDATA", () => {
  const from = { env: { USERNAME: "Ada Lovelace", APPDATA: "C:\\Users\\ada\\AppData\\Roaming" }, platform: "win32" as const };
  assert.equal(resolveSocketPath(undefined, undefined, from), "\\\\.\\pipe\\llm-agent-Ada_Lovelace");
  assert.equal(resolveSocketPath(undefined, undefined, { env: {}, platform: "win32" }), "\\\\.\\pipe\\llm-agent-user");
  // A character beyond the BMP is two UTF-16 units but one character: one "_".
  assert.equal(
    resolveSocketPath(undefined, undefined, { env: { USERNAME: "Ada\u{1F600}é" }, platform: "win32" }),
    "\\\\.\\pipe\\llm-agent-Ada__",
  );
  assert.equal(resolveDataDir(undefined, from), "C:\\Users\\ada\\AppData\\Roaming\\llm-agent\\data");
});

test("a path longer than the OS allows is a clear error", () => {
  const long = `/tmp/${"x".repeat(maxSocketPathLength("linux"))}`;
  assert.throws(
    () => resolveSocketPath(long, undefined, { platform: "linux" }),
    (error: unknown) =>
      error instanceof AgentUnavailableError &&
      error.code === "SOCKET_PATH_TOO_LONG" &&
      error.message.includes("allows at most 107") &&
      error.remediation !== undefined,
  );
  const macLimit = `/tmp/${"x".repeat(MAX_SOCKET_PATH_LEN_OTHER_UNIX - 5)}`;
  assert.equal(resolveSocketPath(macLimit, undefined, { platform: "darwin" }), macLimit);
  assert.throws(() => resolveSocketPath(`${macLimit}y`, undefined, { platform: "darwin" }), AgentUnavailableError);
  // Bytes, not characters: each "é" is two.
  assert.throws(() => resolveSocketPath(`/tmp/${"é".repeat(52)}`, undefined, { platform: "linux" }), AgentUnavailableError);
});

test("no home directory and no override is NO_SOCKET_LOCATION", () => {
  assert.throws(
    () => resolveSocketPath(undefined, undefined, { env: {}, platform: "linux", homedir: "" }),
    (error: unknown) => error instanceof AgentUnavailableError && error.code === "NO_SOCKET_LOCATION",
  );
});
