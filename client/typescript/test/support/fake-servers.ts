/**
 * Model servers on loopback for the agent to talk to: a small Ollama (what discovery
 * identifies it by, and a streamed chat reply) and a server that accepts and never
 * answers. Nothing leaves this machine.
 */

import http from "node:http";
import net from "node:net";

export interface Served {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Answers as Ollama 0.5.7 with one model, `llama3.2:latest` (its context shown by
 * `/api/show`), and a short streamed chat reply.
 */
export async function startFakeOllama(): Promise<Served & { chats: number }> {
  const server = http.createServer((request, response) => {
    const reply = (status: number, body: unknown): void => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    switch (request.url) {
      case "/api/version":
        reply(200, { version: "0.5.7" });
        return;
      case "/api/tags":
        reply(200, {
          models: [
            {
              name: "llama3.2:latest",
              model: "llama3.2:latest",
              size: 2019393189,
              details: { parameter_size: "3.2B", quantization_level: "Q4_K_M", family: "llama" },
            },
          ],
        });
        return;
      case "/api/show":
        request.resume();
        request.on("end", () =>
          reply(200, {
            model_info: { "general.architecture": "llama", "llama.context_length": 131072 },
            parameters: "num_ctx 8192",
          }),
        );
        return;
      case "/api/chat":
        served.chats += 1;
        request.resume();
        request.on("end", () => {
          response.writeHead(200, { "content-type": "application/x-ndjson" });
          const line = (content: string, done: boolean, extra: object = {}): string =>
            `${JSON.stringify({
              model: "llama3.2:latest",
              created_at: "2025-01-01T12:00:00.123456789Z",
              message: { role: "assistant", content },
              done,
              ...extra,
            })}\n`;
          response.write(line("Yes, I can ", false));
          response.write(line("help you learn today.", false));
          response.end(line("", true, { done_reason: "stop", prompt_eval_count: 36, eval_count: 12 }));
        });
        return;
      default:
        response.writeHead(404);
        response.end("404 page not found");
    }
  });
  const port = await listen(server);
  const served = {
    url: `http://127.0.0.1:${port}`,
    port,
    chats: 0,
    close: () => closeServer(server),
  };
  return served;
}

/** Accepts connections and reads requests, but never answers. `requests` counts what arrived. */
export async function startStalledServer(): Promise<Served & { requests: number; requested: Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let announce: () => void = () => undefined;
  const requested = new Promise<void>((resolve) => (announce = resolve));
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
    socket.on("data", () => {
      stalled.requests += 1;
      announce();
    });
  });
  const port = await listen(server);
  const stalled = {
    url: `http://127.0.0.1:${port}`,
    port,
    requests: 0,
    requested,
    close: async () => {
      for (const socket of sockets) {
        socket.destroy();
      }
      await closeServer(server);
    },
  };
  return stalled;
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port));
  });
}

function closeServer(server: net.Server): Promise<void> {
  if ("closeAllConnections" in server) {
    (server as http.Server).closeAllConnections();
  }
  return new Promise((resolve) => server.close(() => resolve()));
}
