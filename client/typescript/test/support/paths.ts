/**
 * Where the tests find the repository, its golden fixtures and the `llm-agent` binary:
 * `$LLM_AGENT_BIN`, else `<$CARGO_TARGET_DIR or target>/debug/llm-agent` (build it first
 * with `cargo build -p llm-agent`; `scripts/test` does).
 */

import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The package folder, `client/typescript` (tests run from `build/test/`). */
export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export const REPO_DIR = path.resolve(PACKAGE_DIR, "../..");

export const FIXTURES_DIR = path.join(REPO_DIR, "protocol/tests/fixtures");

export function agentBinary(): string {
  const fromEnv = process.env["LLM_AGENT_BIN"];
  if (fromEnv) {
    return path.resolve(fromEnv);
  }
  const targetDir = process.env["CARGO_TARGET_DIR"] || path.join(REPO_DIR, "target");
  const binary = path.resolve(targetDir, "debug", process.platform === "win32" ? "llm-agent.exe" : "llm-agent");
  if (!existsSync(binary)) {
    throw new Error(`${binary} does not exist: build it first (cargo build -p llm-agent), or set LLM_AGENT_BIN`);
  }
  return binary;
}
