/**
 * Model servers on loopback for the agent to talk to: a small Ollama (what discovery
 * identifies it by, and a streamed chat reply), a small OpenAI API (a streamed reply
 * with usage, for a model the learner priced) and a server that accepts and never
 * answers. Nothing leaves this machine.
 */

import http from "node:http";
import net from "node:net";

export interface Served {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** How a fake Ollama streams its chat reply. */
export interface ChatScript {
  /** The reply's pieces, one NDJSON line each. Default: the short reply of every test. */
  parts?: readonly string[];
  /** The pause before each piece after the first; default none. */
  pieceDelayMs?: number;
}

/** The reply every fake Ollama gives unless told otherwise. */
export const DEFAULT_REPLY_PARTS = ["Yes, I can ", "help you learn today."] as const;

/**
 * Answers as Ollama 0.5.7 with one model, `llama3.2:latest` (its context shown by
 * `/api/show`), and a streamed chat reply (NDJSON, as Ollama streams), piece by piece
 * with `pieceDelayMs` between them. `hangups` counts chat requests whose client closed
 * the connection before the reply's end.
 */
export async function startFakeOllama(
  script: ChatScript = {},
): Promise<Served & { chats: number; hangups: number }> {
  const parts = script.parts ?? DEFAULT_REPLY_PARTS;
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
          let finished = false;
          response.on("close", () => {
            if (!finished) {
              served.hangups += 1;
            }
          });
          void (async () => {
            for (const [index, part] of parts.entries()) {
              if (index > 0 && script.pieceDelayMs !== undefined) {
                await new Promise((resolve) => setTimeout(resolve, script.pieceDelayMs));
              }
              if (response.destroyed) {
                return;
              }
              response.write(line(part, false));
            }
            finished = true;
            response.end(line("", true, { done_reason: "stop", prompt_eval_count: 36, eval_count: 12 }));
          })();
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
    hangups: 0,
    close: () => closeServer(server),
  };
  return served;
}

/**
 * Answers as the OpenAI API does at `{url}/v1/chat/completions`: a streamed reply
 * (server-sent `chat.completion.chunk`s, the usage in the last one, then `[DONE]`) of
 * 36 tokens in and 12 out, whatever the model.
 */
export async function startFakeOpenAi(): Promise<Served & { endpoint: string }> {
  const server = http.createServer((request, response) => {
    if (request.method !== "POST" || request.url !== "/v1/chat/completions") {
      response.writeHead(404, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: { message: "Unknown request URL", type: "invalid_request_error" } }));
      return;
    }
    request.resume();
    request.on("end", () => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      const chunk = (choices: unknown[], usage: unknown = null): string =>
        `data: ${JSON.stringify({
          id: "chatcmpl-fake",
          object: "chat.completion.chunk",
          created: 1735732800,
          model: "priced-tutor",
          choices,
          usage,
        })}\n\n`;
      response.write(chunk([{ index: 0, delta: { role: "assistant", content: "A noun " }, finish_reason: null }]));
      response.write(chunk([{ index: 0, delta: { content: "names a thing." }, finish_reason: null }]));
      response.write(chunk([{ index: 0, delta: {}, finish_reason: "stop" }]));
      response.write(chunk([], { prompt_tokens: 36, completion_tokens: 12, total_tokens: 48 }));
      response.end("data: [DONE]\n\n");
    });
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    endpoint: `http://127.0.0.1:${port}/v1`,
    port,
    close: () => closeServer(server),
  };
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
