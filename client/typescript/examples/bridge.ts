/**
 * A typed `ipcMain.handle` bridge from the renderer to the agent, for the main process.
 *
 * The renderer gets exactly the methods listed in `RENDERER_METHODS`, each typed from
 * the protocol crate, and never anything secret: every profile the agent returns is
 * redacted (it has `has_api_key` and a hint, never the key), and errors cross as plain
 * objects with the agent's code, message and what to do. A key typed in the renderer
 * goes one way only, renderer → main → agent, inside `profiles.create` or
 * `profiles.update`; nothing here logs params.
 */

import type { IpcMainInvokeEvent } from "electron";
import {
  AgentClientError,
  AgentError,
  type AgentClient,
  type FieldError,
  type MethodName,
  type ParamsOf,
  type ResultOf,
} from "llm-agent-client";

import { channelOf } from "./channels.js";

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
export type BridgeOutcome<M extends RendererMethod> = { ok: true; result: ResultOf<M> } | { ok: false; error: BridgeError };

/** The API the preload script exposes to the renderer (see `preload.ts`). */
export interface RendererAgentApi {
  invoke<M extends RendererMethod>(method: M, params: ParamsOf<M>): Promise<BridgeOutcome<M>>;
  /** Called with `connected` or `disconnected` as the agent comes and goes. */
  onStatus(listener: (status: "connected" | "disconnected") => void): void;
}

/** Registers one handler per renderer method on `ipcMain`. */
export function registerAgentBridge(
  ipcMain: { handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void },
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

function failure(error: BridgeError): { ok: false; error: BridgeError } {
  return { ok: false, error };
}

/** Keeps what a person can act on; drops causes and stacks, which may name local paths. */
export function toBridgeError(error: unknown): BridgeError {
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
