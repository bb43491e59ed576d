/**
 * {@link Subscription}: a live event stream as an async iterator, across reconnects.
 *
 * Each subscription has a bounded buffer. The connection never waits on it: a reader
 * that falls a whole buffer behind is ended with a final `lagged` item, exactly as the
 * agent ends a subscriber that falls behind, so a slow reader costs memory for its own
 * buffer only and never delays responses.
 */

import type { AgentClient } from "./client.js";
import type { Connection } from "./connection.js";
import { AgentError, type DisconnectedError } from "./errors.js";
import { LAGGED_TOPIC } from "./generated/constants.js";
import type { EventEnvelope } from "./generated/EventEnvelope.js";
import type { Lagged } from "./generated/Lagged.js";
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
 * - `interrupted`: the connection was lost; events until `restored` are missed;
 * - `restored`: subscribed again on a new connection (`seq` starts again at 1);
 * - `lagged`: the reader fell behind (the agent's buffer, or this client's), at least
 *   `missed` events were dropped, and the subscription has ended. It is the last item.
 */
export type SubscriptionItem<T extends TopicName> =
  | SubscriptionEvent<T>
  | { kind: "interrupted"; error: DisconnectedError }
  | { kind: "restored" }
  | { kind: "lagged"; missed: number };

/** What the client that owns a subscription does with it across connections ({@link Subscription} is one). */
export interface SubscriptionLink {
  readonly ended: boolean;
  attach(connection: Connection, options: { timeoutMs: number; signal?: AbortSignal | undefined }): Promise<void>;
  interrupted(error: DisconnectedError): void;
  restored(): void;
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
  #connection: Connection | undefined;
  #id: number | undefined;
  #ended = false;

  /** Made by {@link AgentClient.subscribe}. */
  constructor(topics: readonly T[], bufferSize: number, owner: SubscriptionOwner) {
    this.topics = topics;
    this.#queue = new ItemQueue(bufferSize);
    this.#owner = owner;
  }

  /** The agent's id of this subscription on the current connection, while it has one. */
  get id(): number | undefined {
    return this.#id;
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
   * event that follows the agent's answer is read.
   * @internal
   */
  attach(connection: Connection, options: { timeoutMs: number; signal?: AbortSignal | undefined }): Promise<void> {
    return connection
      .call(
        "events.subscribe",
        { topics: this.topics },
        {
          ...options,
          onResult: (result, abandoned) => {
            const { subscription } = result as SubscribeResult;
            if (abandoned || this.#ended) {
              connection.sendDetached("events.unsubscribe", { subscription }, this.#owner.requestTimeoutMs());
              return;
            }
            this.#connection = connection;
            this.#id = subscription;
            connection.route(subscription, (event) => this.#deliver(event));
            this.#owner.keep(this);
          },
        },
      )
      .then(() => undefined);
  }

  /** The connection was lost. @internal */
  interrupted(error: DisconnectedError): void {
    this.#connection = undefined;
    this.#id = undefined;
    this.#push({ kind: "interrupted", error });
  }

  /** Subscribed again on a new connection. @internal */
  restored(): void {
    this.#push({ kind: "restored" });
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
    this.#push({ kind: "event", topic: event.topic, seq: event.seq, data: event.data } as SubscriptionEvent<T>);
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
