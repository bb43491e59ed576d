/**
 * The other end of the benchmark's ping-pong, in a process of its own as the agent is:
 * for every whole frame it reads, it writes back the canned response frame, a copy of the
 * agent's real `profiles.list` answer. It decodes nothing.
 *
 * Usage: node pingpong-server.js SOCKET RESPONSE_FILE; prints "ready" once listening.
 */

import { readFileSync } from "node:fs";
import net from "node:net";

const [socketPath, responseFile] = process.argv.slice(2);
if (socketPath === undefined || responseFile === undefined) {
  console.error("usage: pingpong-server SOCKET RESPONSE_FILE");
  process.exit(2);
}
const response = readFileSync(responseFile);

const server = net.createServer((socket) => {
  let pending: Buffer = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readUInt32BE(0)) {
      pending = pending.subarray(4 + pending.readUInt32BE(0));
      socket.write(response);
    }
  });
  socket.on("error", () => undefined);
});
server.listen(socketPath, () => console.log("ready"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
