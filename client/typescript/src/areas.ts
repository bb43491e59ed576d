/**
 * Named methods per area (`client.profiles.list()`, `client.catalog.upsertModel(...)`),
 * derived from the generated method list: a method added to the protocol crate appears
 * here, typed, once the definitions are regenerated. `hello` is the handshake and
 * `events.*` is {@link AgentClient.subscribe}, so neither has a named method.
 */

import { METHOD_NAMES } from "./generated/constants.js";
import type { Methods } from "./generated/Methods.js";

/** A method's wire name. */
export type MethodName = keyof Methods;
/** What method `M` takes. */
export type ParamsOf<M extends MethodName> = Methods[M]["params"];
/** What method `M` answers. */
export type ResultOf<M extends MethodName> = Methods[M]["result"];

/** Per-call settings. */
export interface RequestOptions {
  /** Aborting sends a cancel frame; the call rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  /**
   * How long to wait for the answer, the wait for a connection included. Default: the
   * client's `requestTimeoutMs`; for `profiles.test` and `discovery.run`, their own
   * `timeout_ms` (or its default) plus 5 s, so the agent can say how far they got.
   */
  timeoutMs?: number | undefined;
  /** Sent with the request (1 to 128 printable ASCII characters); the agent makes one up otherwise. */
  correlationId?: string | undefined;
}

/** `reset_secrets` → `resetSecrets`. */
export type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

type AreaOf<M extends string> = M extends `${infer A}.${string}` ? A : never;

/** The areas that have named methods. */
export type AreaName = Exclude<AreaOf<MethodName>, "events">;

/** Calls method `M`; params may be left out where every one is optional. */
export type MethodFunction<M extends MethodName> = Record<never, never> extends ParamsOf<M>
  ? (params?: ParamsOf<M>, options?: RequestOptions) => Promise<ResultOf<M>>
  : (params: ParamsOf<M>, options?: RequestOptions) => Promise<ResultOf<M>>;

/** The named methods of one area. */
export type Area<A extends AreaName> = {
  readonly [M in MethodName as M extends `${A}.${infer Name}` ? CamelCase<Name> : never]: MethodFunction<M>;
};

/** Every area's named methods. */
export type Areas = { readonly [A in AreaName]: Area<A> };

export function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/** Builds the named methods of every area on top of `request`. */
export function buildAreas(
  request: (method: MethodName, params: unknown, options?: RequestOptions) => Promise<unknown>,
): Areas {
  const areas: Record<string, Record<string, unknown>> = {};
  for (const method of METHOD_NAMES) {
    const dot = method.indexOf(".");
    const area = method.slice(0, dot);
    if (dot < 0 || area === "events") {
      continue;
    }
    const call = (params?: unknown, options?: RequestOptions): Promise<unknown> =>
      request(method, params ?? {}, options);
    (areas[area] ??= {})[camelCase(method.slice(dot + 1))] = call;
  }
  for (const area of Object.values(areas)) {
    Object.freeze(area);
  }
  return areas as unknown as Areas;
}
