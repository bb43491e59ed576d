/**
 * The IPC channels between the preload script and the main process's bridge. This
 * module imports nothing, so a preload bundle can take it without the client.
 */

/** The channel of a renderer method. */
export const channelOf = (method: string): string => `llm-agent:${method}`;

/** Where the main process says whether the agent is connected. */
export const STATUS_CHANNEL = "llm-agent:status";
