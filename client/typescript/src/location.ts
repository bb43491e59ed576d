/**
 * Where the agent listens and keeps its data: the rule of docs/protocol.md section 1,
 * which the agent follows too (`protocol/src/location.rs`), so the client finds the agent
 * without being told. Precedence: an explicit path, then the environment variable, then
 * the platform default.
 */

import os from "node:os";
import path from "node:path";

import {
  APP_DIR,
  DATA_DIR_ENV,
  MAX_SOCKET_PATH_LEN_LINUX,
  MAX_SOCKET_PATH_LEN_OTHER_UNIX,
  MAX_SOCKET_PATH_LEN_WINDOWS,
  SOCKET_ENV,
  SOCKET_FILE,
} from "./generated/constants.js";
import { AgentUnavailableError } from "./errors.js";

/** What the rule reads from the process. Tests give their own; the defaults are this process's. */
export interface LocationEnvironment {
  env?: NodeJS.ProcessEnv | undefined;
  platform?: NodeJS.Platform | undefined;
  homedir?: string | undefined;
}

/**
 * The longest socket path `platform` accepts, in bytes (`sun_path` less its NUL on Unix,
 * the named-pipe path on Windows): the limit the agent checks at start-up, generated from
 * `protocol/src/location.rs`.
 */
export function maxSocketPathLength(platform: NodeJS.Platform = process.platform): number {
  switch (platform) {
    case "linux":
    case "android":
      return MAX_SOCKET_PATH_LEN_LINUX;
    case "win32":
      return MAX_SOCKET_PATH_LEN_WINDOWS;
    default:
      return MAX_SOCKET_PATH_LEN_OTHER_UNIX;
  }
}

/**
 * The data directory: `explicit`, else `$LLM_AGENT_DATA_DIR`, else the platform's:
 * `$XDG_DATA_HOME/llm-agent` or `~/.local/share/llm-agent` on Linux,
 * `~/Library/Application Support/llm-agent` on macOS, `%APPDATA%\llm-agent\data` on Windows.
 */
export function resolveDataDir(explicit?: string, from: LocationEnvironment = {}): string {
  if (explicit !== undefined) {
    return explicit;
  }
  const env = from.env ?? process.env;
  const fromEnv = env[DATA_DIR_ENV];
  if (fromEnv) {
    return fromEnv;
  }
  const platform = from.platform ?? process.platform;
  const pathOf = platform === "win32" ? path.win32 : path.posix;
  if (platform === "win32") {
    const appData = env["APPDATA"];
    if (appData && pathOf.isAbsolute(appData)) {
      return pathOf.join(appData, APP_DIR, "data");
    }
    throw noDefault("data directory", "dataDir", DATA_DIR_ENV);
  }
  const home = from.homedir ?? os.homedir();
  if (!home || !pathOf.isAbsolute(home)) {
    throw noDefault("data directory", "dataDir", DATA_DIR_ENV);
  }
  if (platform === "darwin") {
    return pathOf.join(home, "Library", "Application Support", APP_DIR);
  }
  const dataHome = env["XDG_DATA_HOME"];
  const base = dataHome && pathOf.isAbsolute(dataHome) ? dataHome : pathOf.join(home, ".local", "share");
  return pathOf.join(base, APP_DIR);
}

/**
 * The socket path: `explicit`, else `$LLM_AGENT_SOCKET`, else the platform default:
 * `$XDG_RUNTIME_DIR/llm-agent/agent.sock` on Linux (falling back to `run/agent.sock`
 * under the data dir, itself resolved by {@link resolveDataDir} from `dataDir`),
 * `$TMPDIR/llm-agent/agent.sock` on macOS, `\\.\pipe\llm-agent-<user>` on Windows.
 *
 * Throws {@link AgentUnavailableError} (`SOCKET_PATH_TOO_LONG`) for a path longer than
 * the OS accepts, and (`NO_SOCKET_LOCATION`) when the platform offers no default.
 */
export function resolveSocketPath(
  explicit?: string,
  dataDir?: string,
  from: LocationEnvironment = {},
): string {
  const platform = from.platform ?? process.platform;
  const socketPath = explicit ?? ((from.env ?? process.env)[SOCKET_ENV] || defaultSocketPath(dataDir, from));
  const length = Buffer.byteLength(socketPath);
  const max = maxSocketPathLength(platform);
  if (length > max) {
    throw new AgentUnavailableError(
      "SOCKET_PATH_TOO_LONG",
      `the socket path ${socketPath} is ${length} bytes long; this OS allows at most ${max}`,
      socketPath,
      { remediation: `Give a shorter socketPath (or ${SOCKET_ENV}), of at most ${max} bytes.` },
    );
  }
  return socketPath;
}

function defaultSocketPath(dataDir: string | undefined, from: LocationEnvironment): string {
  const env = from.env ?? process.env;
  const platform = from.platform ?? process.platform;
  if (platform === "win32") {
    // One `_` per character (code point), as the agent replaces each of Rust's `char`s.
    const user = (env["USERNAME"] ?? "user").replace(/[^A-Za-z0-9]/gu, "_");
    return `\\\\.\\pipe\\${APP_DIR}-${user}`;
  }
  if (platform === "darwin") {
    // $TMPDIR is per user on macOS, and short enough for the 104-byte sun_path.
    const tmp = env["TMPDIR"] || os.tmpdir();
    return path.posix.join(tmp, APP_DIR, SOCKET_FILE);
  }
  const runtime = env["XDG_RUNTIME_DIR"];
  if (runtime && path.posix.isAbsolute(runtime)) {
    return path.posix.join(runtime, APP_DIR, SOCKET_FILE);
  }
  try {
    return path.posix.join(resolveDataDir(dataDir, from), "run", SOCKET_FILE);
  } catch {
    throw noDefault("socket path", "socketPath", SOCKET_ENV);
  }
}

function noDefault(what: string, option: string, envName: string): AgentUnavailableError {
  return new AgentUnavailableError(
    "NO_SOCKET_LOCATION",
    `cannot find a default ${what}: the platform reports no home directory`,
    undefined,
    { remediation: `Pass ${option}, or set ${envName}.` },
  );
}
