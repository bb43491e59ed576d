/**
 * A real `llm-agent` process on its own temp socket and data dir, as the Rust end-to-end
 * tests start one (`tests/src/lib.rs`). Without a keyring it has no credential store, so
 * profile writes are refused; with one, it keeps its data key there.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { AgentClient, type AgentClientOptions } from "../../src/index.js";
import type { KeyringSession } from "./keyring.js";
import { agentBinary } from "./paths.js";

const START_TIMEOUT_MS = 20_000;

export interface TestAgentOptions {
  keyring?: KeyringSession;
  /** Extra environment, such as `LLM_AGENT_DISCOVERY_PORTS`. */
  env?: Record<string, string>;
  /** Extra arguments, such as `--pretend-version 0.0.1` (an agent from before an upgrade). */
  args?: string[];
}

/** How an agent process ended. */
export interface AgentExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class TestAgent {
  readonly dir: string;
  readonly socketPath: string;
  readonly dataDir: string;
  readonly env: Record<string, string>;
  readonly #args: string[];
  readonly #log: string;
  #child: ChildProcess | undefined;
  #exited: Promise<AgentExit> | undefined;

  private constructor(options: TestAgentOptions) {
    this.dir = mkdtempSync(path.join(os.tmpdir(), "llm-agent-ts-"));
    this.socketPath = path.join(this.dir, "run", "agent.sock");
    this.dataDir = path.join(this.dir, "data");
    this.#log = path.join(this.dir, "agent.log");
    this.#args = options.args ?? [];
    this.env = {
      ...agentEnvironment(options.keyring),
      // Discovery probes only this table's ports: nothing else on the machine.
      LLM_AGENT_DISCOVERY_PORTS: "ollama=9",
      ...options.env,
    };
  }

  /** The environment of an agent with `keyring`, or with no credential store at all. */
  static environment(keyring?: KeyringSession): Record<string, string> {
    return agentEnvironment(keyring);
  }

  /** Starts an agent and waits until it answers a handshake. */
  static async start(options: TestAgentOptions = {}): Promise<TestAgent> {
    const agent = new TestAgent(options);
    await agent.restart();
    return agent;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Starts the agent again on the same socket and data dir (after a kill). */
  async restart(): Promise<void> {
    if (this.#child !== undefined) {
      throw new Error("the agent is still running");
    }
    const log = openSync(this.#log, "a");
    const child = spawn(
      agentBinary(),
      ["--socket", this.socketPath, "--data-dir", this.dataDir, "--log-level", "debug", ...this.#args],
      { env: this.env, stdio: ["ignore", "ignore", log] },
    );
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
    await this.#waitReady();
  }

  /** A connected client with the test's defaults and any `options` on top. */
  client(options: AgentClientOptions = {}): Promise<AgentClient> {
    return AgentClient.connect({
      socketPath: this.socketPath,
      client: { name: "llm-agent-ts-tests", version: "0.0.0" },
      ...options,
    });
  }

  /** Kills the agent (SIGKILL: no goodbye to its clients) and waits until it is gone. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (child === undefined) {
      return;
    }
    child.kill("SIGKILL");
    await this.#exited;
    this.#child = undefined;
  }

  /** Waits until the agent process ends by itself (after `agent.shutdown`), and says how. */
  async exited(): Promise<AgentExit> {
    const exit = (await this.#exited) as AgentExit;
    this.#child = undefined;
    return exit;
  }

  logText(): string {
    try {
      return readFileSync(this.#log, "utf8");
    } catch {
      return "";
    }
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  async #waitReady(): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    let exited = false;
    void this.#exited?.then(() => (exited = true));
    for (;;) {
      try {
        const client = await AgentClient.connect({ socketPath: this.socketPath, reconnect: false });
        client.close();
        return;
      } catch (error) {
        if (exited) {
          throw new Error(`llm-agent exited during start-up; log:\n${this.logText()}`, { cause: error });
        }
        if (Date.now() > deadline) {
          throw new Error(`llm-agent did not answer within ${START_TIMEOUT_MS} ms; log:\n${this.logText()}`, {
            cause: error,
          });
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

function agentEnvironment(keyring: KeyringSession | undefined): Record<string, string> {
  const base: Record<string, string> = {};
  for (const name of ["PATH", "LANG", "TMPDIR"]) {
    const value = process.env[name];
    if (value !== undefined) {
      base[name] = value;
    }
  }
  return keyring === undefined
    ? { ...base, DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent", HOME: os.tmpdir() }
    : { ...base, ...keyring.env() };
}
