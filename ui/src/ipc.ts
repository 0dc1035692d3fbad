// The one seam between the screens and Tauri: every command and event of docs/ipc.md, typed with
// the generated bindings. Nothing else in ui/ imports @tauri-apps/api or uses the global Tauri object.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { AppError, AppInfo, DemoPersona, Intent, SessionView, TerminalStatus } from "./types";

export const COMMANDS = {
  appInfo: "app_info",
  sessionView: "session_view",
  sessionIntent: "session_intent",
  demoPersonas: "demo_personas",
  demoPresentFace: "demo_present_face",
  demoWechatScreen: "demo_wechat_screen",
  uiReady: "ui_ready",
} as const;

export const EVENTS = {
  view: "session://view",
  terminalStatus: "terminal://status",
} as const;

export type { UnlistenFn };

/** What the app needs from the core; the Tauri implementation is below, tests pass their own. */
export interface Ipc {
  appInfo(): Promise<AppInfo>;
  sessionView(): Promise<SessionView>;
  sendIntent(intent: Intent): Promise<void>;
  demoPersonas(): Promise<DemoPersona[]>;
  demoPresentFace(persona: string): Promise<void>;
  demoWechatScreen(confirm: boolean): Promise<void>;
  /** Tells the shell the first screen is painted: it logs the start-up time (and writes it to
   *  `$FACEKIOSK_READY_FILE`). It does not show the window: that is visible from the start. */
  uiReady(): Promise<void>;
  onView(handler: (view: SessionView) => void): Promise<UnlistenFn>;
  onTerminalStatus(handler: (status: TerminalStatus) => void): Promise<UnlistenFn>;
}

export const tauriIpc: Ipc = {
  appInfo: () => invoke<AppInfo>(COMMANDS.appInfo),
  sessionView: () => invoke<SessionView>(COMMANDS.sessionView),
  sendIntent: async (intent) => {
    await invoke<null>(COMMANDS.sessionIntent, { intent });
  },
  demoPersonas: () => invoke<DemoPersona[]>(COMMANDS.demoPersonas),
  demoPresentFace: async (persona) => {
    await invoke<null>(COMMANDS.demoPresentFace, { persona });
  },
  demoWechatScreen: async (confirm) => {
    await invoke<null>(COMMANDS.demoWechatScreen, { confirm });
  },
  uiReady: async () => {
    await invoke<null>(COMMANDS.uiReady);
  },
  onView: (handler) => listen<SessionView>(EVENTS.view, (event) => handler(event.payload)),
  onTerminalStatus: (handler) =>
    listen<TerminalStatus>(EVENTS.terminalStatus, (event) => handler(event.payload)),
};

/** Whatever a command rejected with, as the one error type that crosses IPC. */
export function asAppError(error: unknown): AppError {
  if (typeof error === "object" && error !== null && "code" in error) {
    const { code, message } = error as { code: unknown; message?: unknown };
    return { code: String(code), message: typeof message === "string" ? message : "" };
  }
  return { code: "ipc", message: typeof error === "string" ? error : String(error) };
}
