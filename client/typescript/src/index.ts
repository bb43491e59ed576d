/**
 * The TypeScript client of llm-agent, for the Electron main process of LLM Tutor.
 *
 * Start with {@link AgentClient.connect}. Every wire type is exported as generated from
 * the protocol crate (`src/generated/`), so the client cannot drift from the agent.
 */

export {
  AgentClient,
  type AgentClientOptions,
  type ClientAreas,
  type ConnectionState,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_SUBSCRIPTION_BUFFER,
  OWN_DEADLINE_GRACE_MS,
  type ReconnectOptions,
  type StateListener,
  type SubscribeOptions,
} from "./client.js";
export type {
  Area,
  AreaName,
  Areas,
  CamelCase,
  MethodFunction,
  MethodName,
  ParamsOf,
  RequestOptions,
  ResultOf,
} from "./areas.js";
export { type ChatArea, ChatStream, type ChatStreamParams, MAX_UNREAD_PIECES } from "./chat.js";
export type { Reply } from "./connection.js";
export * from "./errors.js";
export { maxSocketPathLength, resolveDataDir, resolveSocketPath, type LocationEnvironment } from "./location.js";
export { type AutoSpawnOptions, DEFAULT_READY_TIMEOUT_MS } from "./spawn.js";
export type { Subscription, SubscriptionEvent, SubscriptionItem, TopicName } from "./subscription.js";
export * from "./generated/index.js";
