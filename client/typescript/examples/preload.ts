/**
 * The preload script: gives the renderer `window.llmAgent`, typed by the bridge, and
 * nothing else of Electron or Node. (A sandboxed preload loads only Electron's own
 * modules: bundle this file with `channels.ts`; the bridge's import is types only.)
 */

import { contextBridge, ipcRenderer } from "electron";

import type { BridgeOutcome, RendererAgentApi, RendererMethod, TutorText } from "./bridge.js";
import { channelOf, STATUS_CHANNEL, TUTOR_ASK_CHANNEL, TUTOR_CANCEL_CHANNEL, TUTOR_TEXT_CHANNEL } from "./channels.js";

const api: RendererAgentApi = {
  invoke: <M extends RendererMethod>(method: M, params: unknown) =>
    ipcRenderer.invoke(channelOf(method), params) as Promise<BridgeOutcome<M>>,
  onStatus: (listener) =>
    ipcRenderer.on(STATUS_CHANNEL, (_event, status) => listener(status as "connected" | "disconnected")),
  askTutor: async (ask, onText) => {
    const onPiece = (_event: unknown, piece: unknown): void => {
      const { askId, text } = piece as TutorText;
      if (askId === ask.askId) {
        onText(text);
      }
    };
    ipcRenderer.on(TUTOR_TEXT_CHANNEL, onPiece);
    try {
      return (await ipcRenderer.invoke(TUTOR_ASK_CHANNEL, ask)) as BridgeOutcome<"chat.run">;
    } finally {
      ipcRenderer.removeListener(TUTOR_TEXT_CHANNEL, onPiece);
    }
  },
  cancelTutor: async (askId) => {
    await ipcRenderer.invoke(TUTOR_CANCEL_CHANNEL, askId);
  },
};

contextBridge.exposeInMainWorld("llmAgent", api);
