/**
 * The preload script: gives the renderer `window.llmAgent`, typed by the bridge, and
 * nothing else of Electron or Node. (A sandboxed preload loads only Electron's own
 * modules: bundle this file with `channels.ts`; the bridge's import is types only.)
 */

import { contextBridge, ipcRenderer } from "electron";

import type { BridgeOutcome, RendererAgentApi, RendererMethod } from "./bridge.js";
import { channelOf, STATUS_CHANNEL } from "./channels.js";

const api: RendererAgentApi = {
  invoke: <M extends RendererMethod>(method: M, params: unknown) =>
    ipcRenderer.invoke(channelOf(method), params) as Promise<BridgeOutcome<M>>,
  onStatus: (listener) =>
    ipcRenderer.on(STATUS_CHANNEL, (_event, status) => listener(status as "connected" | "disconnected")),
};

contextBridge.exposeInMainWorld("llmAgent", api);
