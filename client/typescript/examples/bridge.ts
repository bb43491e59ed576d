/**
 * A typed `ipcMain.handle` bridge from the renderer to the agent, for the main process.
 *
 * The renderer gets exactly the methods listed in `RENDERER_METHODS`, each typed from
 * the protocol crate, and never anything secret: every profile the agent returns is
 * redacted (it has `has_api_key` and a hint, never the key), and errors cross as plain
 * objects with the agent's code, message and what to do. A key typed in the renderer
 * goes one way only, renderer → main → agent, inside `profiles.create` or
 * `profiles.update`; nothing here logs params. The tutor's replies stream to the asking
 * window piece by piece (`registerTutorStream`): text only, the key stays in the agent.
 */

import type { IpcMainInvokeEvent } from "electron";
import {
  AgentClientError,
  AgentError,
  type AgentClient,
  type ChatMessage,
  type FieldError,
  type MethodName,
  type ParamsOf,
  type ResultOf,
} from "llm-agent-client";

import { channelOf, TUTOR_ASK_CHANNEL, TUTOR_CANCEL_CHANNEL, TUTOR_TEXT_CHANNEL } from "./channels.js";

/** What the renderer may call. Not here: `agent.shutdown`, and `hello`/`events.*`, which the client owns. */
export const RENDERER_METHODS = [
  "profiles.list",
  "profiles.get",
  "profiles.create",
  "profiles.update",
  "profiles.delete",
  "profiles.activate",
  "profiles.test",
  "discovery.run",
  "discovery.adopt",
  "catalog.list",
  "roles.get",
  "roles.set",
] as const satisfies readonly MethodName[];

export type RendererMethod = (typeof RENDERER_METHODS)[number];

/** How a failure reaches the renderer: plain data, which survives structured cloning. */
export interface BridgeError {
  code: string;
  message: string;
  remediation?: string;
  retryable: boolean;
  /** The failing fields of a `VALIDATION_ERROR`, to mark in the form. */
  fieldErrors?: FieldError[];
}

/** What the renderer's `invoke` resolves with. */
export type BridgeOutcome<M extends MethodName> = { ok: true; result: ResultOf<M> } | { ok: false; error: BridgeError };

/** A question for the tutor, named by the renderer so that it can match the pieces and cancel. */
export interface TutorAsk {
  askId: string;
  messages: ChatMessage[];
}

/** A piece of a tutor reply, as it streams. */
export interface TutorText {
  askId: string;
  text: string;
}

/** The API the preload script exposes to the renderer (see `preload.ts`). */
export interface RendererAgentApi {
  invoke<M extends RendererMethod>(method: M, params: ParamsOf<M>): Promise<BridgeOutcome<M>>;
  /** Called with `connected` or `disconnected` as the agent comes and goes. */
  onStatus(listener: (status: "connected" | "disconnected") => void): void;
  /**
   * Asks the tutor: `onText` gets the reply piece by piece, and the promise the whole
   * result (text, usage, cost), or the error.
   */
  askTutor(ask: TutorAsk, onText: (text: string) => void): Promise<BridgeOutcome<"chat.run">>;
  /** Stops the reply of `askId`: its `askTutor` then resolves with the cancellation. */
  cancelTutor(askId: string): Promise<void>;
}

/** What the bridge needs of `ipcMain`. */
interface IpcMainHandlers {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void;
}

/** Registers one handler per renderer method on `ipcMain`. */
export function registerAgentBridge(
  ipcMain: IpcMainHandlers,
  client: AgentClient,
  isTrustedSender: (event: IpcMainInvokeEvent) => boolean,
): void {
  for (const method of RENDERER_METHODS) {
    ipcMain.handle(channelOf(method), async (event, params) => {
      if (!isTrustedSender(event)) {
        return failure({ code: "FORBIDDEN", message: "this page may not use the agent", retryable: false });
      }
      try {
        // The params come from the renderer: the agent validates every field itself.
        const result = await client.request(method, (params ?? {}) as ParamsOf<typeof method>);
        return { ok: true, result };
      } catch (error) {
        return failure(toBridgeError(error));
      }
    });
  }
}

/**
 * Registers the tutor's streamed replies: the renderer asks with a list of messages (the
 * agent resolves the `tutor` role to the active profile and holds its key), each piece of
 * the reply goes to the asking window as it streams, and the invoke resolves with the
 * result. A cancel from the renderer, or the window going away, cancels the call on the
 * agent.
 */
export function registerTutorStream(
  ipcMain: IpcMainHandlers,
  client: AgentClient,
  isTrustedSender: (event: IpcMainInvokeEvent) => boolean,
): void {
  // Per window: one renderer cannot stop another's reply.
  const running = new Map<string, AbortController>();
  const keyOf = (event: IpcMainInvokeEvent, askId: unknown): string => `${event.sender.id}:${String(askId)}`;
  ipcMain.handle(TUTOR_ASK_CHANNEL, async (event, ask) => {
    if (!isTrustedSender(event)) {
      return failure({ code: "FORBIDDEN", message: "this page may not use the agent", retryable: false });
    }
    // From the renderer: the agent validates the messages itself.
    const { askId, messages } = (ask ?? {}) as TutorAsk;
    const key = keyOf(event, askId);
    const controller = new AbortController();
    running.set(key, controller);
    const stop = (): void => controller.abort();
    event.sender.once("destroyed", stop);
    try {
      const stream = client.chat.stream({ role: "tutor", messages }, { signal: controller.signal });
      for await (const text of stream) {
        if (!event.sender.isDestroyed()) {
          event.sender.send(TUTOR_TEXT_CHANNEL, { askId, text } satisfies TutorText);
        }
      }
      return { ok: true, result: await stream.result };
    } catch (error) {
      return failure(toBridgeError(error));
    } finally {
      running.delete(key);
      event.sender.removeListener("destroyed", stop);
    }
  });
  ipcMain.handle(TUTOR_CANCEL_CHANNEL, (event, askId) => {
    running.get(keyOf(event, askId))?.abort();
  });
}

function failure(error: BridgeError): { ok: false; error: BridgeError } {
  return { ok: false, error };
}

/** Keeps what a person can act on; drops causes and stacks, which may name local paths. */
export function toBridgeError(error: unknown): BridgeError {
  if (error instanceof DOMException && error.name === "AbortError") {
    return { code: "CANCELLED", message: "cancelled", retryable: false };
  }
  if (!(error instanceof AgentClientError)) {
    return { code: "INTERNAL", message: "unexpected error in the main process", retryable: false };
  }
  const fieldErrors = error instanceof AgentError ? error.fieldErrors : [];
  return {
    code: error.code,
    message: error.message,
    ...(error.remediation === undefined ? {} : { remediation: error.remediation }),
    retryable: error.retryable,
    ...(fieldErrors.length > 0 ? { fieldErrors } : {}),
  };
}
