/**
 * The generated definitions and the client's types agree with each other: checked by the
 * compiler (a line here that stops compiling fails the build) and at run time.
 */

import assert from "node:assert/strict";
import { test } from "node:test";

import { buildAreas, camelCase, type CamelCase } from "../src/areas.js";
import {
  type AgentClient,
  type AgentClientOptions,
  type AreaName,
  type MethodName,
  METHOD_NAMES,
  type ProfilePatch,
  type RequestOptions,
  type SubscribeOptions,
  type SubscriptionItem,
  type Topic,
  type TopicName,
  TOPICS,
} from "../src/index.js";

/** True exactly when `A` and `B` are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | undefined {
  return undefined;
}

test("the method list, the Methods map, the topics and the TopicData map agree", () => {
  assertType<Equal<MethodName, (typeof METHOD_NAMES)[number]>>();
  assertType<Equal<TopicName, Topic>>();
  assertType<Equal<TopicName, (typeof TOPICS)[number]>>();
  assertType<Equal<CamelCase<"set_default_model">, "setDefaultModel">>();
  assert.equal(new Set(METHOD_NAMES).size, METHOD_NAMES.length);
});

test("every method but the handshake and events.* has a named method, named by camelCase", () => {
  const called: Array<[string, unknown]> = [];
  const areas = buildAreas(async (method, params) => {
    called.push([method, params]);
    return undefined;
  }) as unknown as Record<string, Record<string, (params?: unknown) => Promise<unknown>>>;
  for (const method of METHOD_NAMES) {
    const [area, name] = method.split(".");
    if (name === undefined || area === "events") {
      continue;
    }
    const call = areas[area as string]?.[camelCase(name)];
    assert.equal(typeof call, "function", `no named method for ${method}`);
  }
  void areas["profiles"]?.["resetSecrets"]?.();
  assert.deepEqual(called, [["profiles.reset_secrets", {}]], "left-out params are sent as an empty map");
  assertType<Equal<AreaName, "agent" | "diagnostics" | "profiles" | "discovery" | "catalog" | "roles" | "audit" | "chat" | "usage">>();
});

test("the named methods take and answer the generated types", () => {
  // Compile-time only: these lines stop compiling if a signature drifts.
  const typed = (client: AgentClient): void => {
    void client.profiles.list();
    void client.profiles.update({ id: "x", patch: { api_key: null } });
    void client.agent.status();
    // @ts-expect-error `profiles.get` needs its `id`.
    void client.profiles.get();
    // @ts-expect-error `undefined` is no state of a patch field.
    void client.profiles.update({ id: "x", patch: { api_key: undefined } });
  };
  assert.equal(typeof typed, "function");
  const patch: ProfilePatch = { consent_granted_at: null };
  assert.deepEqual(patch, { consent_granted_at: null });
});

test("options take undefined for their default, under exactOptionalPropertyTypes", () => {
  // Compile-time: an app that passes along an optional value of its own needs no spread.
  const given: { signal?: AbortSignal; timeoutMs?: number } = {};
  const request: RequestOptions = { signal: given.signal, timeoutMs: given.timeoutMs, correlationId: undefined };
  const subscribe: SubscribeOptions = { signal: given.signal, bufferSize: undefined };
  const client: AgentClientOptions = { socketPath: undefined, reconnect: { initialDelayMs: undefined } };
  assert.deepEqual([request.signal, subscribe.bufferSize, client.socketPath], [undefined, undefined, undefined]);
  // @ts-expect-error a patch field still takes no undefined: it would not mean "keep".
  const patch: ProfilePatch = { api_key: given.timeoutMs === undefined ? undefined : "sk-1" };
  assert.ok(patch);
});

test("subscription items narrow by kind and topic", () => {
  const describe = (item: SubscriptionItem<"diagnostics" | "discovery">): string => {
    switch (item.kind) {
      case "event":
        return item.topic === "diagnostics" ? item.data.kind : item.data.trigger;
      case "lagged":
        return `lagged ${item.missed}`;
      case "interrupted":
        return item.error.code;
      case "restored":
        return "restored";
      case "resync":
        return `resync ${item.revision}`;
    }
  };
  assert.equal(describe({ kind: "lagged", missed: 2 }), "lagged 2");
});
