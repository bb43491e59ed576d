/**
 * The Electron main process of an app that uses the agent: connect at start-up (starting
 * the bundled agent if none runs), bridge the renderer's calls, tell windows when the
 * agent comes and goes, replace an older agent after an app update, and let go at quit.
 */

import { execFileSync } from "node:child_process";
import path from "node:path";

import { app, BrowserWindow, ipcMain } from "electron";
import { AgentClient, AgentClientError } from "llm-agent-client";

import { registerAgentBridge } from "./bridge.js";
import { STATUS_CHANNEL } from "./channels.js";

/**
 * The agent binary: shipped as an extra resource beside the asar archive, never inside it
 * (the OS cannot start a program from there). In development, the cargo build.
 */
function agentBinary(): string {
  const file = process.platform === "win32" ? "llm-agent.exe" : "llm-agent";
  return app.isPackaged
    ? path.join(process.resourcesPath, file)
    : path.resolve(import.meta.dirname, "../../../target/debug", file);
}

function connect(): Promise<AgentClient> {
  return AgentClient.connect({
    client: { name: "llm-tutor", version: app.getVersion() },
    autoSpawn: { agentBinary: agentBinary() },
  });
}

async function connectToAgent(): Promise<AgentClient> {
  const client = await connect();
  // After an app update the agent already running may be the old binary: hand over to
  // the bundled one. Its lock on the data dir is held until it has exited (it finishes
  // what is in flight first), so wait for that, then connect afresh: auto-spawn then
  // starts the bundled agent.
  const running = client.hello?.agent_version;
  const bundled = bundledAgentVersion();
  if (running === undefined || bundled === undefined || running === bundled) {
    return client;
  }
  const { pid } = await client.agent.status();
  await client.agent.shutdown();
  client.close();
  await exited(pid, 15_000);
  return connect();
}

/** Resolves once process `pid` has ended, or after `timeoutMs`. */
async function exited(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The version of the bundled agent binary: `llm-agent --version` prints `llm-agent 0.1.0`. */
function bundledAgentVersion(): string | undefined {
  try {
    return execFileSync(agentBinary(), ["--version"], { encoding: "utf8" }).trim().split(" ")[1];
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  await app.whenReady();
  let client: AgentClient;
  try {
    client = await connectToAgent();
  } catch (error) {
    // With auto-spawn, what is left is a packaging problem (AgentSpawnError,
    // ProtocolMismatchError) or a broken socket: the message and remediation say what
    // is wrong and where.
    console.error(error instanceof AgentClientError ? `${error.message} (${error.remediation ?? ""})` : error);
    app.quit();
    return;
  }

  // Before any page loads, so that its first call finds a handler and its first status
  // change reaches it. Only the app's own pages may use the bridge.
  registerAgentBridge(ipcMain, client, (event) => event.senderFrame?.url.startsWith("file://") === true);
  client.onStateChange((state) => {
    if (state.status === "connected" || state.status === "disconnected") {
      for (const open of BrowserWindow.getAllWindows()) {
        open.webContents.send(STATUS_CHANNEL, state.status);
      }
    }
  });

  const window = new BrowserWindow({
    webPreferences: { preload: path.join(import.meta.dirname, "preload.js"), contextIsolation: true, sandbox: true },
  });
  await window.loadFile("index.html");

  // The agent belongs to the user, not to this window: it keeps running for the next start
  // (and any other client). Only the connection ends here.
  app.on("will-quit", () => client.close());
}

void main();
