/**
 * The few parts of Electron's API the examples use, declared here so that type-checking
 * them needs no Electron download. Signatures as in Electron's own `electron.d.ts`.
 */
declare module "electron" {
  export interface IpcMainInvokeEvent {
    readonly sender: WebContents;
    readonly senderFrame: { readonly url: string } | null;
  }

  export interface WebContents {
    readonly id: number;
    send(channel: string, ...args: unknown[]): void;
    isDestroyed(): boolean;
    once(event: "destroyed", listener: () => void): this;
    removeListener(event: "destroyed", listener: () => void): this;
  }

  export class BrowserWindow {
    constructor(options?: { webPreferences?: { preload?: string; contextIsolation?: boolean; sandbox?: boolean } });
    static getAllWindows(): BrowserWindow[];
    readonly webContents: WebContents;
    loadFile(filePath: string): Promise<void>;
  }

  export const app: {
    readonly isPackaged: boolean;
    getVersion(): string;
    /** The user's preferred languages, as BCP 47 tags, most preferred first. */
    getPreferredSystemLanguages(): string[];
    whenReady(): Promise<void>;
    on(event: "will-quit" | "window-all-closed", listener: () => void): void;
    quit(): void;
  };

  export const ipcMain: {
    handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown> | unknown): void;
  };

  export const contextBridge: {
    exposeInMainWorld(apiKey: string, api: unknown): void;
  };

  export const ipcRenderer: {
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
    on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void;
    removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void;
  };
}

declare namespace NodeJS {
  interface Process {
    /** Electron: the app's resources folder (outside the asar archive). */
    readonly resourcesPath: string;
  }
}
