/**
 * Against the real `llm-agent` binary with a private keyring: every method the agent
 * serves, the three states of a patch field, cancellation, both topics, and shutdown.
 * Discovery probes a fake Ollama on loopback only; prompt tests talk to it.
 */

import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";

import {
  AgentClient,
  AgentError,
  AgentUnavailableError,
  METHOD_NAMES,
  PROTOCOL_VERSION,
  TOPICS,
  type RedactedProfile,
  type SubscriptionItem,
  type Sweep,
  type TopicName,
} from "../src/index.js";
import { TestAgent } from "./support/agent.js";
import { type Served, startFakeOllama, startStalledServer } from "./support/fake-servers.js";
import { KeyringSession } from "./support/keyring.js";

let keyring: KeyringSession;
let ollama: Served;
let agent: TestAgent;
let client: AgentClient;

before(async () => {
  keyring = await KeyringSession.start();
  ollama = await startFakeOllama();
  agent = await TestAgent.start({ keyring, env: { LLM_AGENT_DISCOVERY_PORTS: `ollama=${ollama.port}` } });
  client = await agent.client();
});

after(async () => {
  client?.close();
  await agent?.stop();
  await ollama?.close();
  keyring?.stop();
});

/** The next item of a subscription that satisfies `wanted`, within `ms`. */
async function nextMatching<T extends TopicName>(
  items: AsyncIterator<SubscriptionItem<T>>,
  wanted: (item: SubscriptionItem<T>) => boolean,
  ms = 10_000,
): Promise<SubscriptionItem<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no matching item within ${ms} ms`)), ms);
  });
  try {
    for (;;) {
      const next = await Promise.race([items.next(), timedOut]);
      if (next.done) {
        throw new Error("the subscription ended");
      }
      if (wanted(next.value)) {
        return next.value;
      }
    }
  } finally {
    clearTimeout(timer);
  }
}

function localProfile(name: string, extra: object = {}) {
  return { name, provider: "ollama", endpoint: ollama.url, model: "llama3.2", ...extra };
}

test("the handshake announces every method and topic this client is typed for", async () => {
  const hello = client.hello;
  assert.ok(hello);
  assert.equal(hello.protocol, PROTOCOL_VERSION);
  for (const method of METHOD_NAMES) {
    assert.ok(hello.capabilities.includes(method), `the agent does not serve ${method}`);
  }
  for (const topic of TOPICS) {
    assert.ok(hello.capabilities.includes(`topic:${topic}`), `the agent has no topic ${topic}`);
  }
  // After the handshake, hello is an ordinary method.
  const again = await client.request("hello", { protocol: PROTOCOL_VERSION, client: { name: "again", version: "1" } });
  assert.deepEqual(again.capabilities, hello.capabilities);
});

test("agent.status and diagnostics.query", async () => {
  const { result: status, correlationId } = await client.requestReply("agent.status", {}, { correlationId: "status-1" });
  assert.equal(correlationId, "status-1");
  assert.equal(status.pid, agent.pid);
  assert.equal(status.socket, agent.socketPath);
  assert.equal(status.safe_storage.state === "unavailable", false, "the private keyring serves");
  const found = await client.diagnostics.query({ correlation_id: "status-1" });
  assert.equal(found.matched, 1);
  assert.equal(found.events[0]?.method, "agent.status");
  assert.equal(found.events[0]?.result, "OK");
});

test("profiles: create, get, list, update, activate, delete, reset_secrets", async () => {
  const first = await client.profiles.create(localProfile("First", { api_key: "sk-first-key-a1b2" }));
  assert.equal(first.profile.active, true, "the first profile becomes active");
  assert.equal(first.profile.has_api_key, true);
  assert.equal(first.profile.api_key_hint, "...a1b2");
  assert.ok(!("api_key" in first.profile), "no response carries a key");
  const second = await client.profiles.create(
    localProfile("Second", { metadata: { labels: ["work"], options: { parallelism: "2" } } }),
  );
  assert.equal(second.active_id, first.profile.id);

  const got: RedactedProfile = await client.profiles.get({ id: second.profile.id });
  assert.deepEqual(got.metadata, { labels: ["work"], options: { parallelism: "2" } });
  const listed = await client.profiles.list();
  assert.deepEqual(
    listed.profiles.map((profile) => profile.name),
    ["First", "Second"],
  );
  assert.equal(listed.active_id, first.profile.id);
  assert.deepEqual((await client.profiles.list({ provider: "openai" })).profiles, []);

  const renamed = await client.profiles.update({ id: second.profile.id, patch: { name: "Second (renamed)" } });
  assert.equal(renamed.profile.name, "Second (renamed)");

  const activated = await client.profiles.activate({ id: second.profile.id });
  assert.deepEqual(activated, { active_id: second.profile.id, previous_active_id: first.profile.id, changed: true });

  await assert.rejects(client.profiles.delete({ id: second.profile.id }), (error: unknown) => {
    assert.ok(error instanceof AgentError);
    assert.equal(error.code, "SUCCESSOR_REQUIRED");
    assert.ok(error.remediation);
    assert.ok(error.correlationId);
    return true;
  });
  const deleted = await client.profiles.delete({ id: second.profile.id, successor_id: first.profile.id });
  assert.deepEqual(deleted, { deleted_id: second.profile.id, active_id: first.profile.id });

  const reset = await client.profiles.resetSecrets();
  assert.deepEqual(reset.cleared_ids, [], "nothing is unreadable while the data key is there");
});

test("every failing field of a create is reported at once", async () => {
  await assert.rejects(
    client.profiles.create({ name: " ", provider: "skynet", endpoint: "ftp://nowhere", model: "" }),
    (error: unknown) => {
      assert.ok(error instanceof AgentError && error.code === "VALIDATION_ERROR");
      assert.deepEqual(
        error.fieldErrors.map((field) => field.field),
        ["name", "provider", "endpoint", "model"],
      );
      return true;
    },
  );
});

test("the same failing create reads in the learner's language, with the same ids and arguments", async () => {
  const german = await agent.client({ locales: ["de-AT", "en"] });
  try {
    assert.equal(german.hello?.locale, "de");
    assert.equal(client.hello?.locale, "en");
    const bad = { name: "", provider: "ollama", endpoint: "ftp://nowhere", model: "llama3.2" };
    const failure = async (on: AgentClient): Promise<AgentError> => {
      try {
        await on.profiles.create(bad);
      } catch (error) {
        assert.ok(error instanceof AgentError);
        return error;
      }
      throw new Error("the create was accepted");
    };
    const [en, de] = await Promise.all([failure(client), failure(german)]);
    assert.equal(en.messageId, "fields_need_attention");
    assert.deepEqual([de.messageId, de.messageArgs], [en.messageId, en.messageArgs]);
    assert.deepEqual([de.remediationId, de.remediationArgs], [en.remediationId, en.remediationArgs]);
    assert.notEqual(de.message, en.message);
    assert.notEqual(de.remediation, en.remediation);
    const ids = (error: AgentError) => error.fieldErrors.map((field) => [field.field, field.message_id, field.message_args]);
    assert.deepEqual(ids(de), ids(en));
    assert.notDeepEqual(
      de.fieldErrors.map((field) => field.message),
      en.fieldErrors.map((field) => field.message),
    );
    // The accessible summaries, when asked for, in each client's language.
    const [listedEn, listedDe] = await Promise.all([
      client.profiles.list({ accessible_summaries: true }),
      german.profiles.list({ accessible_summaries: true }),
    ]);
    const [id] = Object.keys(listedEn.accessible_summaries ?? {});
    assert.ok(id !== undefined, "a summary per listed profile");
    const summaryEn = listedEn.accessible_summaries?.[id];
    const summaryDe = listedDe.accessible_summaries?.[id];
    assert.equal(summaryEn?.text_id, "profile_summary");
    assert.deepEqual([summaryDe?.text_id, summaryDe?.text_args], [summaryEn?.text_id, summaryEn?.text_args]);
    assert.notEqual(summaryDe?.text, summaryEn?.text);
    assert.equal((await client.profiles.list()).accessible_summaries, undefined, "only when asked for");
  } finally {
    german.close();
  }
});

test("a patch field has three states: absent keeps, null clears, a value replaces", async () => {
  const { profile } = await client.profiles.create(
    localProfile("Patched", { api_key: "sk-proj-old-key-a1b2", consent_granted_at: "2026-01-01T00:00:00Z" }),
  );
  const keep = await client.profiles.update({ id: profile.id, patch: {} });
  assert.equal(keep.profile.has_api_key, true);
  assert.equal(keep.profile.api_key_hint, "...a1b2");
  assert.equal(keep.profile.consent_granted_at, "2026-01-01T00:00:00Z");

  // A careless `undefined` (only plain JavaScript can send one) keeps too: it is never written.
  const careless = { id: profile.id, patch: { api_key: undefined } } as unknown as { id: string; patch: object };
  assert.equal((await client.profiles.update(careless)).profile.has_api_key, true);

  const replaced = await client.profiles.update({ id: profile.id, patch: { api_key: "sk-proj-new-key-zz99" } });
  assert.equal(replaced.profile.api_key_hint, "...zz99");

  const cleared = await client.profiles.update({ id: profile.id, patch: { api_key: null, consent_granted_at: null } });
  assert.equal(cleared.profile.has_api_key, false);
  assert.ok(!("api_key_hint" in cleared.profile));
  assert.ok(!("consent_granted_at" in cleared.profile));
});

test("profiles.test gets a reply from the model server", async () => {
  const { profile } = await client.profiles.create(localProfile("Tested"));
  const outcome = await client.profiles.test({ id: profile.id, timeout_ms: 5_000 });
  assert.equal(outcome.success, true, JSON.stringify(outcome.error));
  assert.equal(outcome.stage, "complete");
  assert.equal(outcome.snippet, "Yes, I can help you learn today.");
  assert.deepEqual(outcome.usage, { input_tokens: 36, output_tokens: 12, total_tokens: 48 });
  assert.equal(outcome.estimated_cost?.source, "local");
});

test("aborting a profiles.test cancels it on the agent", async () => {
  const stalled = await startStalledServer();
  try {
    const { profile } = await client.profiles.create({
      name: "Stalls",
      provider: "ollama",
      endpoint: stalled.url,
      model: "llama3.2",
    });
    const controller = new AbortController();
    const test = client.profiles.test({ id: profile.id }, { signal: controller.signal, correlationId: "cancel-me" });
    await stalled.requested;
    controller.abort();
    await assert.rejects(test, (error: unknown) => error instanceof DOMException && error.name === "AbortError");
    // The agent stops the test at once and records it as cancelled.
    const deadline = Date.now() + 5_000;
    for (;;) {
      const recorded = await client.diagnostics.query({ correlation_id: "cancel-me", result: "CANCELLED" });
      if (recorded.matched > 0) {
        break;
      }
      assert.ok(Date.now() < deadline, "the agent did not record the test as cancelled");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await stalled.close();
  }
});

test("discovery: run, status, configure, adopt, and the discovery topic", async () => {
  const sweep: Sweep = await client.discovery.run({ timeout_ms: 2_000 });
  const found = sweep.findings.find((finding) => finding.kind === "ollama");
  assert.ok(found, JSON.stringify(sweep));
  assert.equal(found.endpoint, ollama.url);
  assert.deepEqual(
    found.models.map((model) => model.id),
    ["llama3.2:latest"],
  );

  const status = await client.discovery.status();
  assert.equal(status.settings.enabled, true);
  assert.ok(status.last_sweep);
  const settings = await client.discovery.configure({ ...status.settings, interval_s: 600 });
  assert.equal(settings.interval_s, 600);

  const adopted = await client.discovery.adopt({ endpoint: found.endpoint, kind: found.kind });
  assert.equal(adopted.profile.model, "llama3.2:latest");

  // A sweep that finds one more server differs from the last: it is published.
  const other = await startFakeOllama();
  try {
    const subscription = await client.subscribe(["discovery"]);
    // A scheduled sweep may be published too; the one asked for is the manual one.
    const published = nextMatching(
      subscription,
      (item) => item.kind === "event" && item.topic === "discovery" && item.data.trigger === "manual",
    );
    await client.discovery.run({ timeout_ms: 2_000, extra_endpoints: [`http://localhost:${other.port}`] });
    const item = await published;
    assert.ok(item.kind === "event" && item.topic === "discovery");
    assert.equal(item.data.trigger, "manual");
    assert.equal(item.data.findings.length, 2);
    await subscription.unsubscribe();
  } finally {
    await other.close();
  }
});

test("catalog and roles", async () => {
  const catalog = await client.catalog.list({ provider: "openai" });
  assert.deepEqual(
    catalog.providers.map((provider) => provider.kind),
    ["openai"],
  );
  // A whole-number price goes out as an integer; the agent reads it as the float it is.
  const model = await client.catalog.upsertModel({
    provider: "openai",
    id: "gpt-test",
    display_name: "GPT Test",
    context_window: 128_000,
    input_per_mtok: 0.25,
    output_per_mtok: 2,
  });
  assert.equal(model.price_source, "user");
  assert.equal(model.output_per_mtok, 2);
  assert.equal((await client.catalog.deprecateModel({ provider: "openai", model: "gpt-test" })).status, "deprecated");
  assert.equal((await client.catalog.reactivateModel({ provider: "openai", model: "gpt-test" })).status, "active");
  const provider = await client.catalog.setDefaultModel({ provider: "openai", model: "gpt-test" });
  assert.equal(provider.default_model, "gpt-test");
  const limited = await client.catalog.setProvider({ provider: "ollama", parallelism: 2 });
  assert.deepEqual([limited.parallelism, limited.parallelism_edited], [2, true]);
  const restored = await client.catalog.setProvider({ provider: "ollama", parallelism: null });
  assert.equal(restored.parallelism_edited, false, "null returns to the shipped default");
  const kept = await client.catalog.setProvider({ provider: "ollama" });
  assert.equal(kept.parallelism_edited, false, "absent keeps");

  const roles = await client.roles.get();
  assert.deepEqual(
    roles.roles.map((binding) => binding.role),
    ["tutor", "infrastructure"],
  );
  const tutor = roles.roles[0]?.profile_id;
  assert.ok(tutor);
  const pinned = await client.roles.set({ role: "infrastructure", profile_id: tutor });
  assert.equal(pinned.roles[1]?.same_as_tutor, false);
  const following = await client.roles.set({ role: "infrastructure" });
  assert.equal(following.roles[1]?.same_as_tutor, true);
});

test("a diagnostics subscription sees requests as they are answered", async () => {
  const subscription = await client.subscribe(["diagnostics"]);
  await client.agent.status({}, { correlationId: "watched" });
  const item = await nextMatching(subscription, (next) => next.kind === "event" && next.data.correlation_id === "watched");
  assert.ok(item.kind === "event" && item.topic === "diagnostics");
  assert.equal(item.data.method, "agent.status");
  // Leaving the loop unsubscribes on the agent.
  await client.agent.status();
  for await (const next of subscription) {
    assert.ok(next);
    break;
  }
  assert.equal(subscription.ended, true);
});

test("a reader that does not keep up ends with lagged", async () => {
  const subscription = await client.subscribe(["diagnostics"], { bufferSize: 4 });
  for (let i = 0; i < 10; i++) {
    await client.agent.status();
  }
  const kinds: string[] = [];
  for await (const item of subscription) {
    kinds.push(item.kind);
  }
  assert.equal(kinds.at(-1), "lagged");
  assert.equal(kinds.length, 5);
});

test("chat.run by profile and by role, the models a profile offers, spending", async () => {
  const { profile } = await client.profiles.create(localProfile("Chatty"));
  const byProfile = await client.chat.run({
    profile_id: profile.id,
    messages: [{ role: "user", content: "Can you help me learn?" }],
  });
  assert.equal(byProfile.text, "Yes, I can help you learn today.");
  assert.equal(byProfile.class, "interactive");
  assert.deepEqual(byProfile.usage, { input_tokens: 36, output_tokens: 12, total_tokens: 48 });
  assert.equal(byProfile.estimated_cost?.source, "local");
  const byRole = await client.chat.run({
    role: "infrastructure",
    messages: [{ role: "user", content: "Summarise the lesson." }],
  });
  assert.equal(byRole.role, "infrastructure");
  assert.equal(byRole.class, "background");
  await assert.rejects(client.chat.run({ profile_id: profile.id, messages: [] }), (error: unknown) => {
    return error instanceof AgentError && error.code === "INVALID_PARAMS";
  });

  const models = await client.profiles.models({ id: profile.id });
  assert.equal(models.offers_profile_model, true);
  assert.equal(models.models[0]?.context_window, 131072);

  const capped = await client.usage.setCap({ profile_id: profile.id, daily_cap_usd: 2.5 });
  assert.ok(capped);
  const summary = await client.usage.summary();
  const mine = summary.by_profile.find((entry) => entry.profile_id === profile.id);
  assert.equal(mine?.daily_cap_usd, 2.5);
  assert.ok((mine?.totals.calls ?? 0) >= 1, JSON.stringify(mine));
  // Removing a cap is said with null: the type has no way to leave the field out.
  const uncapped = await client.usage.setCap({ profile_id: profile.id, daily_cap_usd: null });
  assert.ok(!("daily_cap_usd" in uncapped), JSON.stringify(uncapped));
});

test("health history, the audit ledger and a support bundle", async () => {
  const { profile } = await client.profiles.create(localProfile("Watched"));
  const outcome = await client.profiles.test({ id: profile.id, timeout_ms: 5_000 });
  assert.equal(outcome.success, true, JSON.stringify(outcome.error));
  const health = await client.profiles.health({ id: profile.id });
  assert.equal(health.profile_id, profile.id);
  assert.equal(health.outcomes.at(-1)?.success, true);
  assert.equal(health.summary?.last_success, true);
  assert.equal((await client.profiles.list()).health?.[profile.id]?.last_success, true);

  const created = await client.audit.query({ profile_id: profile.id, kind: "profile_created" });
  assert.equal(created.entries.length, 1);
  assert.equal((await client.audit.verify()).ok, true);

  const bundle = path.join(agent.dataDir, "..", "support-bundle.json");
  const exported = await client.diagnostics.export({ path: bundle });
  assert.equal(exported.path, bundle);
  assert.ok(exported.events > 0 && exported.bytes > 0);
  await assert.rejects(client.diagnostics.export({ path: bundle }), (error: unknown) => {
    return error instanceof AgentError && error.code === "INVALID_PARAMS";
  });
});

test("every method the client is typed for was served successfully", async () => {
  for (const method of METHOD_NAMES) {
    if (method === "agent.shutdown") {
      continue; // the last test
    }
    const served = await client.diagnostics.query({ method, result: "OK", limit: 1 });
    assert.ok(served.matched > 0, `no successful ${method} in this run`);
  }
});

test("agent.shutdown stops the agent, and the client says it is gone", async () => {
  const gone = new Promise((resolve) => client.onStateChange((state) => state.status === "disconnected" && resolve(state)));
  // A request in flight when the shutdown begins is still answered.
  const inFlight = client.discovery.run({ timeout_ms: 500 });
  assert.deepEqual(await client.agent.shutdown(), { shutting_down: true });
  assert.equal((await inFlight).trigger, "manual");
  await gone;
  await agent.exited();
  await assert.rejects(
    client.agent.status(),
    (error: unknown) => error instanceof AgentUnavailableError && error.code === "AGENT_NOT_RUNNING",
  );
});
