/**
 * Auto-spawn: starting the bundled `llm-agent` binary when nobody listens on the socket,
 * and waiting until it answers the handshake.
 *
 * The agent starts detached from this process (its own process group, no console, no
 * standard streams of ours, no shell), so it outlives the app and serves the next one.
 * Its own lock decides who runs: when two clients start one at the same moment, the
 * second exits at once and both connect to the first.
 */

import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

import type { Connection } from "./connection.js";
import { AgentSpawnError, AgentUnavailableError } from "./errors.js";
import { LOG_SUBDIR } from "./generated/constants.js";
import { resolveDataDir } from "./location.js";

/** How long auto-spawn waits for a started agent to answer, unless told otherwise. */
export const DEFAULT_READY_TIMEOUT_MS = 10_000;

/** The first pause between connection attempts to a starting agent; it doubles up to the next. */
const FIRST_RETRY_DELAY_MS = 10;
const MAX_RETRY_DELAY_MS = 200;

/**
 * How long to keep trying after the started agent exited: another client may have
 * started one at the same moment, and ours then exits (the data dir is locked) while that
 * one is still coming up.
 */
const EXITED_GRACE_MS = 500;

export interface AutoSpawnOptions {
  /**
   * The absolute path of the `llm-agent` binary. In an Electron app: shipped as an extra
   * resource, under `process.resourcesPath`, never inside the asar archive (from which
   * the OS cannot run it).
   */
  agentBinary: string;
  /** How long to wait for the started agent to answer. Default 10 s. */
  readyTimeoutMs?: number | undefined;
  /** Where the agent writes its logs. Default `<data dir>/logs`. */
  logDir?: string | undefined;
  /** The agent's environment. Default this process's. */
  env?: NodeJS.ProcessEnv | undefined;
  /**
   * The version of the agent this client starts (the bundled binary's). An agent that
   * answers `hello` with an older one, left running from before an app update, is asked
   * to shut down and this one is started instead, once (see `upgrade.ts`). Default
   * `AGENT_VERSION`: the agent built from the same sources as this package.
   */
  expectedVersion?: string | undefined;
}

/**
 * Starts the agent for `socketPath`, then calls `connect` until it succeeds. Throws
 * {@link AgentSpawnError} when no agent comes up.
 */
export async function spawnAgentAndConnect(
  options: AutoSpawnOptions,
  socketPath: string,
  dataDir: string | undefined,
  connect: () => Promise<Connection>,
): Promise<Connection> {
  const binary = options.agentBinary;
  checkBinaryPath(binary, socketPath);
  const child = await launch(binary, agentArguments(options, socketPath, dataDir), options.env, socketPath);
  let exit: { at: number; code: number | null; signal: string | null } | undefined;
  child.once("exit", (code, signal) => {
    exit = { at: Date.now(), code, signal };
  });

  const readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const deadline = Date.now() + readyTimeoutMs;
  let delay = FIRST_RETRY_DELAY_MS;
  let lastError: unknown;
  for (;;) {
    try {
      return await connect();
    } catch (error) {
      // Not listening yet, or it closed on us while starting up: try again.
      if (!(error instanceof AgentUnavailableError) || !error.retryable) {
        throw error;
      }
      lastError = error;
    }
    const now = Date.now();
    if (exit !== undefined && now - exit.at >= EXITED_GRACE_MS) {
      const { code, signal } = exit;
      throw new AgentSpawnError(
        "exited",
        `the agent ${binary} exited (${signal ?? `code ${code}`}) before it answered on ${socketPath}`,
        binary,
        socketPath,
        {
          remediation: `Run \`${binary} --socket ${socketPath}\` in a terminal to see why it stops; its logs are in ${logDirOf(options, dataDir) ?? "its data directory"}.`,
          exit: { code, signal },
          cause: lastError,
        },
      );
    }
    if (now >= deadline) {
      throw new AgentSpawnError(
        "not_ready",
        `the agent ${binary} did not answer on ${socketPath} within ${readyTimeoutMs} ms`,
        binary,
        socketPath,
        {
          retryable: true,
          remediation: "The machine may be busy: retry, or give autoSpawn a longer readyTimeoutMs.",
          cause: lastError,
        },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(delay, deadline - now)));
    delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS);
  }
}

function agentArguments(options: AutoSpawnOptions, socketPath: string, dataDir: string | undefined): string[] {
  const args = ["--socket", socketPath];
  if (dataDir !== undefined) {
    args.push("--data-dir", dataDir);
  }
  // A detached agent has no terminal: it logs to files (the Rust client does the same).
  const logDir = logDirOf(options, dataDir);
  if (logDir !== undefined) {
    args.push("--log-dir", logDir);
  }
  return args;
}

function logDirOf(options: AutoSpawnOptions, dataDir: string | undefined): string | undefined {
  if (options.logDir !== undefined) {
    return options.logDir;
  }
  try {
    return path.join(resolveDataDir(dataDir, options.env === undefined ? {} : { env: options.env }), LOG_SUBDIR);
  } catch {
    return undefined;
  }
}

function checkBinaryPath(binary: string, socketPath: string): void {
  if (!path.isAbsolute(binary)) {
    throw new AgentSpawnError("not_absolute", `the agent binary ${binary} is not an absolute path`, binary, socketPath, {
      remediation:
        "Give autoSpawn.agentBinary as an absolute path, such as path.join(process.resourcesPath, \"llm-agent\") in a packaged Electron app.",
    });
  }
  const parts = binary.split(/[\\/]/);
  if (parts.some((part) => part.toLowerCase().endsWith(".asar"))) {
    throw new AgentSpawnError(
      "inside_asar",
      `the agent binary ${binary} is inside an asar archive, from which the OS cannot start it`,
      binary,
      socketPath,
      {
        remediation:
          "Ship llm-agent outside the archive (electron-builder `extraResources`, Electron Forge `packagerConfig.extraResource`) and point at it under process.resourcesPath.",
      },
    );
  }
}

/** Starts the binary without a shell and waits until the OS has started it (or refused). */
function launch(
  binary: string,
  args: string[],
  env: NodeJS.ProcessEnv | undefined,
  socketPath: string,
): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, {
      detached: true,
      stdio: "ignore",
      shell: false,
      windowsHide: true,
      env: env ?? process.env,
    });
    child.once("spawn", () => {
      child.removeAllListeners("error");
      // Never report a late error as an unhandled one: the exit status says it all.
      child.on("error", () => undefined);
      child.unref();
      resolve(child);
    });
    child.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") {
        reject(
          new AgentSpawnError("not_found", `there is no agent binary at ${binary}`, binary, socketPath, {
            remediation:
              "Bundle llm-agent with the app (as an extra resource, outside the asar archive) and give its path under process.resourcesPath.",
            cause: error,
          }),
        );
      } else {
        reject(
          new AgentSpawnError("start_failed", `could not start the agent ${binary}: ${error.message}`, binary, socketPath, {
            remediation:
              "Check that the file is the llm-agent build for this OS and architecture, and that it is executable (chmod +x; on macOS, signed and not quarantined).",
            cause: error,
          }),
        );
      }
    });
  });
}
