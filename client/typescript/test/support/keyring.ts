/**
 * A private Secret Service for tests, as the Rust end-to-end tests have one
 * (`tests/src/keyring.rs`): its own D-Bus session bus (without service activation, so a
 * stopped keyring stays stopped) and its own unlocked gnome-keyring-daemon, with its
 * keyring files in a temp home. Needs `dbus-daemon`, `dbus-send` and
 * `gnome-keyring-daemon`, which `scripts/test` installs.
 */

import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";

const PASSWORD = "llm-agent-tests";
const READY_TIMEOUT_MS = 20_000;

const BUS_CONFIG = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;

export class KeyringSession {
  readonly dir: string;
  readonly #bus: ChildProcess;
  readonly #address: string;
  #daemon: ChildProcess | undefined;

  private constructor(dir: string, bus: ChildProcess, address: string) {
    this.dir = dir;
    this.#bus = bus;
    this.#address = address;
  }

  /** Starts a bus and an unlocked keyring daemon on it. */
  static async start(): Promise<KeyringSession> {
    const dir = mkdtempSync(path.join(os.tmpdir(), "llm-agent-keyring-"));
    for (const sub of ["home/.local/share", "run"]) {
      mkdirSync(path.join(dir, sub), { recursive: true });
    }
    const config = path.join(dir, "bus.conf");
    writeFileSync(config, BUS_CONFIG);
    const bus = spawn("dbus-daemon", [`--config-file=${config}`, "--nofork", "--print-address=1"], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    const address = await new Promise<string>((resolve, reject) => {
      bus.once("error", (error) => reject(new Error(`dbus-daemon (install dbus; scripts/test does): ${error.message}`)));
      const lines = createInterface({ input: bus.stdout as NodeJS.ReadableStream });
      lines.once("line", (line) => {
        lines.close();
        resolve(line.trim());
      });
    });
    const session = new KeyringSession(dir, bus, address);
    await session.startDaemon();
    return session;
  }

  /** The environment a process needs to use this keyring. */
  env(): Record<string, string> {
    return {
      DBUS_SESSION_BUS_ADDRESS: this.#address,
      HOME: path.join(this.dir, "home"),
      XDG_DATA_HOME: path.join(this.dir, "home/.local/share"),
      XDG_RUNTIME_DIR: path.join(this.dir, "run"),
    };
  }

  /** Starts the keyring daemon and waits until it serves. */
  async startDaemon(): Promise<void> {
    const daemon = spawn("gnome-keyring-daemon", ["--unlock", "--components=secrets", "--foreground"], {
      env: { ...process.env, ...this.env() },
      stdio: ["pipe", "ignore", "ignore"],
    });
    daemon.once("error", () => undefined);
    daemon.stdin?.end(PASSWORD);
    this.#daemon = daemon;
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!(await this.#serves())) {
      if (Date.now() > deadline) {
        throw new Error("gnome-keyring-daemon did not start (install gnome-keyring; scripts/test does)");
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Whether something owns the Secret Service name on this bus. */
  async #serves(): Promise<boolean> {
    try {
      const { stdout } = await promisify(execFile)(
        "dbus-send",
        [
          "--session",
          "--print-reply",
          "--dest=org.freedesktop.DBus",
          "/org/freedesktop/DBus",
          "org.freedesktop.DBus.NameHasOwner",
          "string:org.freedesktop.secrets",
        ],
        { env: { ...process.env, ...this.env() } },
      );
      return stdout.includes("boolean true");
    } catch {
      return false;
    }
  }

  stop(): void {
    this.#daemon?.kill("SIGKILL");
    this.#bus.kill("SIGKILL");
    rmSync(this.dir, { recursive: true, force: true });
  }
}
