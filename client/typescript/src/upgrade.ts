/**
 * The upgrade hand-over (docs/protocol.md 1, "What a client that starts the agent does"),
 * with the rules of the Rust client (`client/rust/src/upgrade.rs`): an agent left running
 * from before an app update answers `hello` with its older version. A client that may
 * start the agent asks that one to shut down, waits until it has let go of its data dir's
 * lock, and starts the new one, once: the agent it then starts is used whatever version
 * it reports, so two versions never take turns replacing each other, and generations
 * never pile up.
 *
 * An agent is older when both versions parse as semver and the agent's has the lower
 * precedence (build metadata is ignored, as semver precedence ignores it). A newer agent,
 * or one whose version does not parse, is used as it is.
 */

import { constants as fsConstants } from "node:fs";
import { open, readFile, stat } from "node:fs/promises";
import path from "node:path";

import type { Connection } from "./connection.js";
import { AgentUnavailableError } from "./errors.js";
import type { AgentStatus } from "./generated/AgentStatus.js";
import { LOCK_FILE } from "./generated/constants.js";

/** How often to look whether the old agent has let go of its data dir. */
const GONE_POLL_MS = 20;

/** `O_EXLOCK` of macOS and the BSDs: `open` takes an exclusive `flock` on the file. */
const O_EXLOCK = 0x20;

/** A semver version as precedence compares it: build metadata left out. */
interface Precedence {
  /** Major, minor and patch, as digit strings without leading zeros. */
  core: [string, string, string];
  /** The pre-release identifiers; none for a release. */
  pre: string[];
}

/** Semver 2.0.0's grammar (semver.org), as the Rust client's `semver` crate parses it. */
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

function parse(version: string): Precedence | undefined {
  const match = SEMVER.exec(version);
  if (match === null) {
    return undefined;
  }
  const [, major, minor, patch, pre] = match as unknown as [string, string, string, string, string | undefined];
  return { core: [major, minor, patch], pre: pre === undefined ? [] : pre.split(".") };
}

/** Compares two numbers written as digits without leading zeros, of any size. */
function compareDigits(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}

/** Semver precedence of two pre-release identifiers: numbers below words. */
function compareIdentifiers(a: string, b: string): number {
  const aNumeric = /^\d+$/.test(a);
  const bNumeric = /^\d+$/.test(b);
  if (aNumeric && bNumeric) {
    return compareDigits(a, b);
  }
  if (aNumeric !== bNumeric) {
    return aNumeric ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePrecedence(a: Precedence, b: Precedence): number {
  for (let i = 0; i < 3; i++) {
    const order = compareDigits(a.core[i] as string, b.core[i] as string);
    if (order !== 0) {
      return order;
    }
  }
  // A release outranks its pre-releases.
  if (a.pre.length === 0 || b.pre.length === 0) {
    return b.pre.length - a.pre.length;
  }
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const order = compareIdentifiers(a.pre[i] as string, b.pre[i] as string);
    if (order !== 0) {
      return order;
    }
  }
  return a.pre.length - b.pre.length;
}

/** Whether `agent` is a semver version of lower precedence than `expected`. */
export function isOlder(agent: string, expected: string): boolean {
  const running = parse(agent);
  const wanted = parse(expected);
  return running !== undefined && wanted !== undefined && comparePrecedence(running, wanted) < 0;
}

/** What the hand-over needs of the client that makes it. */
export interface HandOverContext {
  /** The connection to the older agent. */
  old: Connection;
  socketPath: string;
  /** Where the old agent keeps its data if it does not say: the client's own rule. */
  defaultDataDir: () => string;
  /** How long each call to the old agent may take. */
  requestTimeoutMs: number;
  /** How long to wait for the old agent to let go of its data dir. */
  goneTimeoutMs: number;
  /** Starts the new agent and connects to it. */
  start: () => Promise<Connection>;
}

/**
 * Replaces the older agent of `context.old` with a new one, and returns the connection
 * to use: the new agent's, or the old one's if it would not shut down. Throws
 * {@link AgentUnavailableError} when the old agent does not let go of its data dir in
 * time, and what starting the new one throws.
 */
export async function handOver(context: HandOverContext): Promise<Connection> {
  const { old } = context;
  const callOptions = { timeoutMs: context.requestTimeoutMs };
  // Where the old agent keeps its data: its lock is the last thing it lets go of.
  let dataDir: string;
  try {
    dataDir = ((await old.call("agent.status", {}, callOptions)).result as AgentStatus).data_dir;
  } catch {
    dataDir = "";
  }
  if (typeof dataDir !== "string" || dataDir === "") {
    dataDir = context.defaultDataDir();
  }
  try {
    await old.call("agent.shutdown", {}, callOptions);
  } catch {
    // It would not go: use it rather than fight it.
    return old;
  }
  old.close();
  const lock = path.join(dataDir, LOCK_FILE);
  const deadline = Date.now() + context.goneTimeoutMs;
  while (await holdsLock(lock)) {
    if (Date.now() >= deadline) {
      throw new AgentUnavailableError(
        "AGENT_NOT_RUNNING",
        `the older agent (${old.hello.agent_version}) on ${context.socketPath} was asked to shut down but still holds ${lock} after ${context.goneTimeoutMs} ms`,
        context.socketPath,
        {
          retryable: true,
          remediation:
            "It may still be finishing a request: retry in a moment. If it stays, end the old llm-agent process (its pid is in the lock file).",
        },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, GONE_POLL_MS));
  }
  return context.start();
}

/**
 * Whether a process holds the agent's lock on `file` (an exclusive OS file lock: `flock`
 * on Unix, `LockFileEx` on Windows), found without taking it where the OS allows: a lock
 * this process took, however briefly, could make the new agent refuse to start.
 *
 * - Linux: the kernel's table of locks, `/proc/locks`, names the file by device and inode.
 * - macOS and the BSDs: opening the file with `O_EXLOCK | O_NONBLOCK` fails while another
 *   process holds it (and takes the lock for the instant until it is closed).
 * - Windows: reading a byte of a file another process has locked fails.
 *
 * No file, one this process may not read, or another OS, means nobody it could wait for.
 */
export async function holdsLock(file: string, platform: NodeJS.Platform = process.platform): Promise<boolean> {
  switch (platform) {
    case "linux":
    case "android":
      return inKernelLockTable(file);
    case "win32":
      return readRefused(file);
    case "darwin":
    case "freebsd":
    case "openbsd":
    case "netbsd":
      return exclusiveOpenRefused(file);
    default:
      return false;
  }
}

async function inKernelLockTable(file: string): Promise<boolean> {
  let locks: string;
  let id: string;
  try {
    const { dev, ino } = await stat(file, { bigint: true });
    // The kernel writes the device as major:minor in hex: decode glibc's dev_t.
    const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
    const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
    id = `${major.toString(16).padStart(2, "0")}:${minor.toString(16).padStart(2, "0")}:${ino}`;
    locks = await readFile("/proc/locks", "utf8");
  } catch {
    return false;
  }
  // `1: FLOCK  ADVISORY  WRITE 4242 fe:00:10011582 0 EOF`; a waiter's line has `->` after
  // the number, and holds nothing.
  return locks.split("\n").some((line) => {
    const fields = line.trim().split(/\s+/);
    return fields[1] !== "->" && fields[5] === id;
  });
}

async function exclusiveOpenRefused(file: string): Promise<boolean> {
  try {
    const handle = await open(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK | O_EXLOCK);
    await handle.close();
    return false;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "EAGAIN" || code === "EWOULDBLOCK";
  }
}

async function readRefused(file: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, "r");
  } catch {
    return false;
  }
  try {
    await handle.read(Buffer.alloc(1), 0, 1, 0);
    return false;
  } catch (error) {
    // ERROR_LOCK_VIOLATION, as libuv reports it.
    return (error as NodeJS.ErrnoException).code === "EBUSY";
  } finally {
    await handle.close();
  }
}
