/**
 * {@link Subscription}: a live event stream as an async iterator, across reconnects.
 *
 * Each subscription has a bounded buffer. The connection never waits on it: a reader
 * that falls a whole buffer behind is ended with a final `lagged` item, exactly as the
 * agent ends a subscriber that falls behind, so a slow reader costs memory for its own
 * buffer only and never delays responses.
 *
 * A subscription to state topics keeps the last revision it has seen (docs/protocol.md
 * 13.3) and resumes from it when it is restored on a new connection: the changes it
 * missed come first, or a `resync` item when the agent no longer holds them.
 */

import type { AgentClient } from "./client.js";
import type { Connection } from "./connection.js";
import { AgentError, type DisconnectedError } from "./errors.js";
import { LAGGED_TOPIC, RESYNC_TOPIC, STATE_TOPICS } from "./generated/constants.js";
import type { EventEnvelope } from "./generated/EventEnvelope.js";
import type { Lagged } from "./generated/Lagged.js";
import type { Resync } from "./generated/Resync.js";
import type { SubscribeParams } from "./generated/SubscribeParams.js";
import type { SubscribeResult } from "./generated/SubscribeResult.js";
import type { TopicData } from "./generated/Topics.js";
import { ItemQueue } from "./queue.js";

/** A topic a client can subscribe to; its events carry `TopicData[topic]`. */
export type TopicName = keyof TopicData;

/** One event of a subscription. `seq` counts from 1 per subscription on one connection. */
export type SubscriptionEvent<T extends TopicName> = T extends TopicName
  ? { kind: "event"; topic: T; seq: number; data: TopicData[T] }
  : never;

/**
 * One item of a subscription:
 * - `event`: an event of one of its topics;
 * - `interrupted`: the connection was lost;
 * - `restored`: subscribed again on a new connection (`seq` starts again at 1). Events of
 *   `diagnostics`, `discovery` and `usage` in between are missed. The state topics'
 *   changes in between follow, oldest first, unless a `resync` comes instead;
 * - `resync`: the agent no longer holds the state changes this subscription missed (it
 *   always says so after it restarted): re-read `profiles.list`, `roles.get` and
 *   `catalog.list`; the events that follow are the changes after `revision`;
 * - `lagged`: the reader fell behind (the agent's buffer, or this client's), at least
 *   `missed` events were dropped, and the subscription has ended. It is the last item.
 */
export type SubscriptionItem<T extends TopicName> =
  | SubscriptionEvent<T>
  | { kind: "interrupted"; error: DisconnectedError }
  | { kind: "restored" }
  | { kind: "resync"; revision: number }
  | { kind: "lagged"; missed: number };

/** What the client that owns a subscription does with it across connections ({@link Subscription} is one). */
export interface SubscriptionLink {
  readonly ended: boolean;
  attach(connection: Connection, options: { timeoutMs: number; signal?: AbortSignal | undefined }): Promise<void>;
  interrupted(error: DisconnectedError): void;
  failed(error: unknown): void;
  closed(): void;
}

/** What a subscription needs of the client that owns it. */
export interface SubscriptionOwner {
  /** The subscription is live: restore it after a reconnect. */
  keep(subscription: SubscriptionLink): void;
  /** The subscription has ended: do not restore it after a reconnect. */
  forget(subscription: SubscriptionLink): void;
  requestTimeoutMs(): number;
}

/**
 * A live subscription. Read it with `for await`; leaving the loop (or
 * {@link Subscription.unsubscribe}) ends it on the agent. After a reconnect the client
 * subscribes again by itself; a failure to do so ends the iteration with that error.
 */
export class Subscription<T extends TopicName> implements AsyncIterableIterator<SubscriptionItem<T>, undefined> {
  /** The topics asked for. */
  readonly topics: readonly T[];
  readonly #queue: ItemQueue<SubscriptionItem<T>>;
  readonly #owner: SubscriptionOwner;
  /** Whether a topic of it is a state topic, whose events carry revisions. */
  readonly #resumable: boolean;
  #connection: Connection | undefined;
  #id: number | undefined;
  #revision: number | undefined;
  /** Lost with its connection, and not subscribed again yet. */
  #interrupted = false;
  #ended = false;

  /**
   * Made by {@link AgentClient.subscribe}: `sinceRevision` is the last revision the app
   * saw, for the state topics to resume from.
   */
  constructor(topics: readonly T[], bufferSize: number, owner: SubscriptionOwner, sinceRevision?: number) {
    this.topics = topics;
    this.#queue = new ItemQueue(bufferSize);
    this.#owner = owner;
    this.#resumable = topics.some((topic) => (STATE_TOPICS as readonly string[]).includes(topic));
    this.#revision = sinceRevision;
  }

  /** The agent's id of this subscription on the current connection, while it has one. */
  get id(): number | undefined {
    return this.#id;
  }

  /**
   * With a state topic: the last revision this subscription has seen (from the agent's
   * answer, its events and `resync`), from which it resumes after a reconnect. After
   * `lagged`, subscribe again with it as `sinceRevision` to learn what was missed.
   */
  get revision(): number | undefined {
    return this.#revision;
  }

  /** Whether the subscription has ended (its remaining items may still be read). */
  get ended(): boolean {
    return this.#ended;
  }

  next(): Promise<IteratorResult<SubscriptionItem<T>, undefined>> {
    return this.#queue.next();
  }

  /** Called when a `for await` loop is left: ends the subscription. */
  async return(): Promise<IteratorResult<SubscriptionItem<T>, undefined>> {
    await this.unsubscribe();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /**
   * Ends the subscription and waits until the agent confirms that no more of its events
   * will come. Items not yet read are dropped. Ending one that has already ended does nothing.
   */
  async unsubscribe(): Promise<void> {
    if (this.#ended) {
      this.#queue.clear();
      return;
    }
    const connection = this.#connection;
    const id = this.#id;
    this.#end();
    this.#queue.clear();
    if (connection === undefined || id === undefined || connection.closeReason !== undefined) {
      return;
    }
    try {
      await connection.call("events.unsubscribe", { subscription: id }, { timeoutMs: this.#owner.requestTimeoutMs() });
    } catch (error) {
      // Gone already (after `lagged`), or with the connection: nothing is left to end.
      if (error instanceof AgentError && error.code !== "SUBSCRIPTION_NOT_FOUND") {
        throw error;
      }
    }
  }

  /**
   * Subscribes on `connection`. The route is set inside the frame handler, before any
   * event that follows the agent's answer is read; after an interruption, `restored` is
   * pushed there too, so it comes before them.
   * @internal
   */
  attach(connection: Connection, options: { timeoutMs: number; signal?: AbortSignal | undefined }): Promise<void> {
    // Resuming: the changes after it come first (or a `resync`), and advance it.
    const since = this.#resumable ? this.#revision : undefined;
    const params: SubscribeParams =
      since === undefined ? { topics: [...this.topics] } : { topics: [...this.topics], since_revision: since };
    return connection
      .call("events.subscribe", params, {
        ...options,
        onResult: (result, abandoned) => {
          const { subscription, revision } = result as SubscribeResult;
          if (abandoned || this.#ended) {
            connection.sendDetached("events.unsubscribe", { subscription }, this.#owner.requestTimeoutMs());
            return;
          }
          if (since === undefined) {
            // Nothing is replayed: the live events carry the revisions after this one.
            this.#advance(revision);
          }
          this.#connection = connection;
          this.#id = subscription;
          connection.route(subscription, (event) => this.#deliver(event));
          this.#owner.keep(this);
          if (this.#interrupted) {
            // Before the events that follow the answer: the replay of what was missed.
            this.#interrupted = false;
            this.#push({ kind: "restored" });
          }
        },
      })
      .then(() => undefined);
  }

  /** The connection was lost. @internal */
  interrupted(error: DisconnectedError): void {
    this.#connection = undefined;
    this.#id = undefined;
    this.#interrupted = true;
    this.#push({ kind: "interrupted", error });
  }

  /** Could not subscribe again: the iteration ends with `error`. @internal */
  failed(error: unknown): void {
    this.#end();
    this.#queue.end({ error });
  }

  /** The client was closed: the iteration ends after the items already buffered. @internal */
  closed(): void {
    this.#end();
    this.#queue.end();
  }

  #deliver(event: EventEnvelope): void {
    if (event.topic === LAGGED_TOPIC) {
      // The agent's last event of this subscription: it has ended it.
      const { missed } = event.data as Lagged;
      this.#end();
      this.#queue.end({ item: { kind: "lagged", missed } });
      return;
    }
    if (event.topic === RESYNC_TOPIC) {
      const { revision } = event.data as Resync;
      this.#advance(revision);
      this.#push({ kind: "resync", revision });
      return;
    }
    if ((STATE_TOPICS as readonly string[]).includes(event.topic) && isRecord(event.data)) {
      this.#advance(event.data["revision"]);
    }
    this.#push({ kind: "event", topic: event.topic, seq: event.seq, data: event.data } as SubscriptionEvent<T>);
  }

  /** Notes `revision` as seen, when it is one and later than the last. */
  #advance(revision: unknown): void {
    if (typeof revision === "number" && (this.#revision === undefined || revision > this.#revision)) {
      this.#revision = revision;
    }
  }

  #push(item: SubscriptionItem<T>): void {
    if (this.#queue.push(item) !== "full") {
      return;
    }
    // The reader is a whole buffer behind: end the subscription, here and on the agent.
    const connection = this.#connection;
    const id = this.#id;
    this.#end();
    this.#queue.end({ item: { kind: "lagged", missed: 1 } });
    if (connection !== undefined && id !== undefined && connection.closeReason === undefined) {
      connection.sendDetached("events.unsubscribe", { subscription: id }, this.#owner.requestTimeoutMs());
    }
  }

  #end(): void {
    if (this.#ended) {
      return;
    }
    this.#ended = true;
    if (this.#connection !== undefined && this.#id !== undefined) {
      this.#connection.unroute(this.#id);
    }
    this.#owner.forget(this);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
