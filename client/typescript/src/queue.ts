/**
 * {@link ItemQueue}: a bounded queue between the connection, which pushes and must never
 * wait, and one reader, which pulls with `await`. It is the buffer behind every
 * subscription and every streamed call.
 */

/** The result of {@link ItemQueue.push}. */
export type PushOutcome = "queued" | "full" | "ended";

export class ItemQueue<T> {
  readonly capacity: number;
  #items: T[] = [];
  #head = 0;
  /** Readers waiting for the next item, oldest first. */
  #waiting: Array<{ resolve: (result: IteratorResult<T, undefined>) => void; reject: (error: unknown) => void }> = [];
  #ended = false;
  /** Delivered after the buffered items, then the queue is done. */
  #last: { item: T } | { error: unknown } | undefined;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`a queue holds at least one item, not ${capacity}`);
    }
    this.capacity = capacity;
  }

  /** Items waiting to be read. */
  get size(): number {
    return this.#items.length - this.#head;
  }

  /** Adds an item without ever waiting; a full or ended queue refuses it. */
  push(item: T): PushOutcome {
    if (this.#ended) {
      return "ended";
    }
    const reader = this.#waiting.shift();
    if (reader !== undefined) {
      reader.resolve({ value: item, done: false });
      return "queued";
    }
    if (this.size >= this.capacity) {
      return "full";
    }
    this.#items.push(item);
    return "queued";
  }

  /**
   * Replaces the newest item waiting to be read with `merge(item)`, so that what a full
   * queue cannot add is joined to what it holds. Returns false when no item waits.
   */
  mergeIntoLast(merge: (last: T) => T): boolean {
    if (this.size === 0) {
      return false;
    }
    const last = this.#items.length - 1;
    this.#items[last] = merge(this.#items[last] as T);
    return true;
  }

  /**
   * Ends the queue: the items already in it are still read, then `last` (an item, or an
   * error the reader's `next` rejects with) if given, then the end.
   */
  end(last?: { item: T } | { error: unknown }): void {
    if (this.#ended) {
      return;
    }
    this.#ended = true;
    this.#last = last;
    if (this.size === 0) {
      for (const reader of this.#waiting.splice(0)) {
        this.#settleLast(reader);
      }
    }
  }

  /** Ends the queue at once, dropping what it holds. */
  clear(): void {
    this.#items = [];
    this.#head = 0;
    this.#last = undefined;
    this.end();
  }

  /** The next item, waiting for one if none is buffered. */
  next(): Promise<IteratorResult<T, undefined>> {
    if (this.size > 0) {
      const item = this.#items[this.#head] as T;
      this.#head += 1;
      if (this.#head === this.#items.length) {
        this.#items = [];
        this.#head = 0;
      } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
        this.#items = this.#items.slice(this.#head);
        this.#head = 0;
      }
      return Promise.resolve({ value: item, done: false });
    }
    if (this.#ended) {
      return new Promise((resolve, reject) => this.#settleLast({ resolve, reject }));
    }
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  #settleLast(reader: {
    resolve: (result: IteratorResult<T, undefined>) => void;
    reject: (error: unknown) => void;
  }): void {
    const last = this.#last;
    this.#last = undefined;
    if (last === undefined) {
      reader.resolve({ value: undefined, done: true });
    } else if ("item" in last) {
      reader.resolve({ value: last.item, done: false });
    } else {
      reader.reject(last.error);
    }
  }
}
