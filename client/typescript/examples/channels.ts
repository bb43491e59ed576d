/**
 * The IPC channels between the preload script and the main process's bridge. This
 * module imports nothing, so a preload bundle can take it without the client.
 */

/** The channel of a renderer method. */
export const channelOf = (method: string): string => `llm-agent:${method}`;

/** Where the main process says whether the agent is connected. */
export const STATUS_CHANNEL = "llm-agent:status";

/** The renderer asks the tutor a question; the invoke resolves with the whole reply. */
export const TUTOR_ASK_CHANNEL = "llm-agent:tutor.ask";

/** The renderer stops a tutor reply it asked for. */
export const TUTOR_CANCEL_CHANNEL = "llm-agent:tutor.cancel";

/** Where the main process sends each piece of a tutor reply, as it streams. */
export const TUTOR_TEXT_CHANNEL = "llm-agent:tutor.text";
