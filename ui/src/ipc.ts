// The one seam between the screens and Tauri: every command and event of docs/ipc.md. Their names,
// arguments, answers and payloads all come from the bindings generated from the Rust
// (src/bindings/ipc.ts: the commands' list and the events'), so a command or event renamed or
// retyped in Rust fails the type check here. Nothing else in ui/ imports @tauri-apps/api or uses
// the global Tauri object.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { COMMANDS, EVENTS, type Commands, type Events } from "./bindings/ipc";
import type {
  AppError, AppErrorCode, AppInfo, AuditLine, ChangeView, DemoPersona, Edit, Entry, FieldView, Intent, Preview, Report,
  SessionView, StaffView, SuspensionView, TerminalStatus,
} from "./types";
import type { ExportView } from "./bindings/ExportView";
import type { KeyFileView } from "./bindings/KeyFileView";
import type { UiMark } from "./bindings/UiMark";

export { COMMANDS, EVENTS };
export type { ExportView, KeyFileView, UiMark, UnlistenFn };

type Command = keyof Commands;
type Args<C extends Command> = Commands[C]["args"];

/** Calls a command by its generated name, with its generated arguments; answers its generated answer. */
function call<C extends Command>(
  command: C,
  ...args: keyof Args<C> extends never ? [] : [Args<C>]
): Promise<Commands[C]["answer"]> {
  return invoke<Commands[C]["answer"]>(command, args[0]);
}

/** Listens to an event by its generated name, with its generated payload type. */
function on<E extends keyof Events>(event: E, handler: (payload: Events[E]) => void): Promise<UnlistenFn> {
  return listen<Events[E]>(event, (e) => handler(e.payload));
}

/** What the app needs from the core; the Tauri implementation is below, tests pass their own. */
export interface Ipc {
  appInfo(): Promise<AppInfo>;
  sessionView(): Promise<SessionView>;
  sendIntent(intent: Intent): Promise<void>;
  demoPersonas(): Promise<DemoPersona[]>;
  demoPresentFace(persona: string): Promise<void>;
  demoWechatScreen(confirm: boolean): Promise<void>;
  /** Tells the shell the first screen is painted: it logs the start-up time (and writes it to
   *  `$FACEKIOSK_READY_FILE`) and the moments of the screens' own start (`marks`). It does not
   *  show the window: that is visible from the start. */
  uiReady(marks: UiMark[]): Promise<void>;
  onView(handler: (view: SessionView) => void): Promise<UnlistenFn>;
  onTerminalStatus(handler: (status: TerminalStatus) => void): Promise<UnlistenFn>;
  staff: StaffIpc;
}

/** The staff mode's commands (docs/ipc.md); each one but `staffEnter` and `staffStatus` rejects
 *  STAFF_NOT_ENTERED once the staff mode has closed. */
export interface StaffIpc {
  enter(pin: string): Promise<Entry>;
  status(): Promise<StaffView | null>;
  touch(): Promise<void>;
  leave(): Promise<void>;
  settings(): Promise<FieldView[]>;
  /** The key and secret files the configuration names, with their state; never their content. */
  keyFiles(): Promise<KeyFileView[]>;
  preview(edits: Edit[]): Promise<Preview>;
  save(edits: Edit[]): Promise<ChangeView[]>;
  suspend(zhCn: string, en: string): Promise<SuspensionView>;
  resume(): Promise<boolean>;
  /** How many links went (0: no such patient here). */
  forget(number: string): Promise<number>;
  audit(): Promise<AuditLine[]>;
  diagnostics(): Promise<Report>;
  /** Folders a file can be written to: USB sticks first, the kiosk's own folder last; maybe none. */
  bundleTargets(): Promise<string[]>;
  /** Technician only: writes the support bundle into `dir` (up to ~10 s); answers its path. */
  bundle(dir: string): Promise<string>;
  /** The consent receipts shown from `from` to `to` (local `YYYY-MM-DD`, both included), as a CSV in `dir`. */
  exportReceipts(from: string, to: string, dir: string): Promise<ExportView>;
  /** The audit trail, copied into `dir`. */
  exportAudit(dir: string): Promise<ExportView>;
}

const tauriStaff: StaffIpc = {
  enter: (pin) => call("staff_enter", { pin }),
  status: () => call("staff_status"),
  touch: async () => {
    await call("staff_touch");
  },
  leave: async () => {
    await call("staff_leave");
  },
  settings: () => call("staff_settings"),
  keyFiles: () => call("staff_key_files"),
  preview: (edits) => call("staff_preview", { edits }),
  save: (edits) => call("staff_save", { edits }),
  suspend: (zhCn, en) => call("staff_suspend", { zhCn, en }),
  resume: () => call("staff_resume"),
  forget: (number) => call("staff_forget", { number }),
  audit: () => call("staff_audit"),
  diagnostics: () => call("staff_diagnostics"),
  bundleTargets: () => call("staff_bundle_targets"),
  bundle: (dir) => call("staff_bundle", { dir }),
  // The dates are the ones on this screen, in this machine's time zone (the core has no calendar
  // of its own): its offset from UTC on `from` goes with them.
  exportReceipts: (from, to, dir) =>
    call("staff_export_receipts", { from, to, utcOffsetMinutes: -new Date(`${from}T12:00:00`).getTimezoneOffset(), dir }),
  exportAudit: (dir) => call("staff_export_audit", { dir }),
};

export const tauriIpc: Ipc = {
  appInfo: () => call("app_info"),
  sessionView: () => call("session_view"),
  sendIntent: async (intent) => {
    await call("session_intent", { intent });
  },
  demoPersonas: () => call("demo_personas"),
  demoPresentFace: async (persona) => {
    await call("demo_present_face", { persona });
  },
  demoWechatScreen: async (confirm) => {
    await call("demo_wechat_screen", { confirm });
  },
  uiReady: async (marks) => {
    await call("ui_ready", { marks });
  },
  onView: (handler) => on(EVENTS.SESSION_VIEW, handler),
  onTerminalStatus: (handler) => on(EVENTS.TERMINAL_STATUS, handler),
  staff: tauriStaff,
};

/** A command's refusal as the screens handle it: the app's `AppError` (its code one of the generated
 *  union), or Tauri's own refusal before the command runs (a plain string: not allowed, not found,
 *  arguments that do not deserialize), which gets the code "ipc". */
export type Refusal = AppError | { code: "ipc"; message: string };
export type RefusalCode = Refusal["code"];

/** Whatever a command rejected with, as a refusal. */
export function asAppError(error: unknown): Refusal {
  if (typeof error === "object" && error !== null && "code" in error) {
    const { code, message } = error as { code: unknown; message?: unknown };
    // The shell rejects with its AppError only: the code is one of the generated union.
    return { code: String(code) as AppErrorCode, message: typeof message === "string" ? message : "" };
  }
  return { code: "ipc", message: typeof error === "string" ? error : String(error) };
}
