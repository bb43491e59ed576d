/**
 * The Electron main process of an app that uses the agent: connect at start-up (starting
 * the bundled agent if none runs, or in place of an older one after an app update),
 * bridge the renderer's calls and its streamed tutor replies, tell windows when the agent
 * comes and goes, and let go at quit.
 */

import path from "node:path";

import { app, BrowserWindow, type IpcMainInvokeEvent, ipcMain } from "electron";
import { AgentClient, AgentClientError } from "llm-agent-client";

import { registerAgentBridge, registerTutorStream } from "./bridge.js";
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

/**
 * Connects, starting the bundled agent if none runs. After an app update the agent
 * already running may be the old binary: the client asks it to shut down, waits until it
 * has let go of its data dir, and starts the bundled one (`autoSpawn.expectedVersion`,
 * by default the version this package was built with, which is the bundled agent's).
 */
function connectToAgent(): Promise<AgentClient> {
  return AgentClient.connect({
    client: { name: "llm-tutor", version: app.getVersion() },
    // Every message and remediation arrives in the learner's language.
    locales: app.getPreferredSystemLanguages(),
    autoSpawn: { agentBinary: agentBinary() },
  });
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
  const isAppPage = (event: IpcMainInvokeEvent): boolean => event.senderFrame?.url.startsWith("file://") === true;
  registerAgentBridge(ipcMain, client, isAppPage);
  registerTutorStream(ipcMain, client, isAppPage);
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
