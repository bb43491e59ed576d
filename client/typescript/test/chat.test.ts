/**
 * Model calls through the real `llm-agent` binary, with a private keyring and fake
 * model servers on loopback (Ollamas that stream their NDJSON replies slowly, an OpenAI
 * API for a priced model): a streamed reply
 * piece by piece, cancelled by its signal or by leaving the loop (the server sees the
 * hang-up), spending alerts on the `usage` topic up to the cap's refusal, and a stream
 * whose agent is killed under it.
 */

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import {
  AgentClient,
  AgentError,
  type ChatStream,
  DisconnectedError,
  type SpendingAlert,
  type SubscriptionItem,
} from "../src/index.js";
import { TestAgent } from "./support/agent.js";
import { startFakeOllama, startFakeOpenAi } from "./support/fake-servers.js";
import { KeyringSession } from "./support/keyring.js";

/** A reply in pieces far enough apart that each reaches the client on its own. */
const PARTS = ["A noun ", "names ", "a person, ", "a place ", "or a thing."];
/** A reply slow enough to be cancelled in the middle. */
const SLOW_PARTS = Array.from({ length: 50 }, (_, i) => `piece ${i} `);

const QUESTION = [{ role: "user" as const, content: "What is a noun?" }];

let keyring: KeyringSession;
let paced: Awaited<ReturnType<typeof startFakeOllama>>;
let slow: Awaited<ReturnType<typeof startFakeOllama>>;
let openai: Awaited<ReturnType<typeof startFakeOpenAi>>;
let agent: TestAgent;
let client: AgentClient;

before(async () => {
  keyring = await KeyringSession.start();
  paced = await startFakeOllama({ parts: PARTS, pieceDelayMs: 40 });
  slow = await startFakeOllama({ parts: SLOW_PARTS, pieceDelayMs: 100 });
  openai = await startFakeOpenAi();
  agent = await TestAgent.start({ keyring });
  client = await agent.client();
});

after(async () => {
  client?.close();
  await agent?.stop();
  await paced?.close();
  await slow?.close();
  await openai?.close();
  keyring?.stop();
});

async function profileAt(url: string, name: string): Promise<string> {
  const { profile } = await client.profiles.create({ name, provider: "ollama", endpoint: url, model: "llama3.2" });
  return profile.id;
}

/** Polls `check` until it holds, for at most 5 s. */
async function eventually(what: string, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, what);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits until the agent has recorded the call of `correlationId` as ended with `result`. */
function recorded(correlationId: string, result: string): Promise<void> {
  return eventually(`the agent did not record the call as ${result}`, async () => {
    const found = await client.diagnostics.query({ correlation_id: correlationId, kind: "model_call" });
    return found.events.some((event) => event.result === result);
  });
}

test("a streamed reply arrives piece by piece, in order, and joined is the result's text", async () => {
  const profile_id = await profileAt(paced.url, "Paced");
  const stream = client.chat.stream({ profile_id, messages: QUESTION }, { correlationId: "streamed" });
  const pieces: string[] = [];
  for await (const piece of stream) {
    pieces.push(piece);
  }
  const result = await stream.result;
  assert.equal(result.text, PARTS.join(""));
  assert.equal(pieces.join(""), result.text);
  assert.ok(pieces.length > 1, `the reply came in ${pieces.length} piece(s)`);
  assert.equal(result.streamed, true);
  assert.deepEqual(result.usage, { input_tokens: 36, output_tokens: 12, total_tokens: 48 });
  await recorded("streamed", "OK");
});

/** Reads `stream` up to its first piece; the call is then under way at the model server. */
async function firstPiece(stream: ChatStream): Promise<string> {
  const first = await stream.next();
  assert.equal(first.done, false);
  return first.value as string;
}

test("aborting a stream cancels the call: the model server sees the hang-up", async () => {
  const profile_id = await profileAt(slow.url, "Slow");
  const hangups = slow.hangups;
  const controller = new AbortController();
  const stream = client.chat.stream(
    { profile_id, messages: QUESTION },
    { signal: controller.signal, correlationId: "aborted" },
  );
  assert.equal(await firstPiece(stream), SLOW_PARTS[0]);
  controller.abort();
  const isAbort = (error: unknown): boolean => error instanceof DOMException && error.name === "AbortError";
  await assert.rejects(stream.result, isAbort);
  await assert.rejects(stream.next(), isAbort);
  await eventually("the model server saw no hang-up", () => slow.hangups > hangups);
  await recorded("aborted", "CANCELLED");
});

test("leaving the loop early cancels the call too", async () => {
  const profile_id = await profileAt(slow.url, "Left");
  const hangups = slow.hangups;
  const stream = client.chat.stream({ profile_id, messages: QUESTION }, { correlationId: "left" });
  for await (const piece of stream) {
    assert.equal(piece, SLOW_PARTS[0]);
    break;
  }
  await assert.rejects(stream.result, (error: unknown) => error instanceof DOMException && error.name === "AbortError");
  await eventually("the model server saw no hang-up", () => slow.hangups > hangups);
  await recorded("left", "CANCELLED");
});

test("spending alerts come on the usage topic, and the cap then refuses", async () => {
  // 36 tokens in and 12 out at 1,000 USD per million each: 0.048 USD a call. (A price
  // the learner gives a local server's model is not used: it costs nothing.)
  await client.catalog.upsertModel({
    provider: "openai",
    id: "priced-tutor",
    display_name: "Priced tutor",
    context_window: 8_192,
    input_per_mtok: 1_000,
    output_per_mtok: 1_000,
  });
  const { profile } = await client.profiles.create({
    name: "Priced",
    provider: "openai",
    endpoint: openai.endpoint,
    model: "priced-tutor",
    api_key: "sk-test-priced-key-9f8e",
  });
  const profile_id = profile.id;
  const alerts = await client.subscribe(["usage"]);
  await client.usage.setCap({ profile_id, daily_cap_usd: 0.05 });
  const nextAlert = async (): Promise<SpendingAlert> => {
    const next: IteratorResult<SubscriptionItem<"usage">> = await alerts.next();
    assert.ok(!next.done && next.value.kind === "event", JSON.stringify(next));
    return next.value.data;
  };

  const first = await client.chat.run({ profile_id, messages: QUESTION });
  assert.deepEqual(first.estimated_cost, { amount_usd: 0.048, source: "user", ...pricedAsOf(first) });
  const warning = await nextAlert();
  assert.deepEqual([warning.profile_id, warning.level, warning.daily_cap_usd], [profile_id, "warning", 0.05]);
  await client.chat.stream({ profile_id, messages: QUESTION }).result;
  const reached = await nextAlert();
  assert.equal(reached.level, "reached");
  assert.ok(reached.spent_usd >= 0.05, JSON.stringify(reached));

  const refused = client.chat.stream({ profile_id, messages: QUESTION });
  await assert.rejects(refused.result, (error: unknown) => error instanceof AgentError && error.code === "SPENDING_CAP_REACHED");
  const summary = await client.usage.summary();
  const mine = summary.by_profile.find((entry) => entry.profile_id === profile_id);
  assert.equal(mine?.totals.calls, 2);
  await alerts.unsubscribe();
});

/** The `as_of` of a priced estimate, which this test does not pin. */
function pricedAsOf(result: { estimated_cost?: { as_of?: string } }): { as_of?: string } {
  const asOf = result.estimated_cost?.as_of;
  return asOf === undefined ? {} : { as_of: asOf };
}

test("a stream whose agent is killed fails with the disconnect, and the result too", async () => {
  const profile_id = await profileAt(slow.url, "Killed");
  const stream = client.chat.stream({ profile_id, messages: QUESTION });
  assert.equal(await firstPiece(stream), SLOW_PARTS[0]);
  await agent.kill();
  await assert.rejects(stream.next(), DisconnectedError);
  await assert.rejects(stream.result, DisconnectedError);
});
