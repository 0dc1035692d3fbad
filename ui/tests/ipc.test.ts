// src/ipc.ts against Tauri's own JS API with its IPC mocked: the command names and argument
// shapes of docs/ipc.md (generated from the Rust: src/bindings/ipc.ts), events, and the error type.
import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import { COMMANDS, EVENTS, asAppError, tauriIpc } from "../src/ipc";
import type { SessionView, TerminalStatus } from "../src/types";

afterEach(() => clearMocks());

describe("the IPC seam", () => {
  it("calls the documented commands with the documented arguments", async () => {
    const calls: Array<[string, unknown]> = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === "app_info") return { mode: "demo", version: "1", storeName: null, problems: [], terminal: null, suspension: null };
      if (cmd === "demo_personas") return [{ id: "a", label: "A" }];
      return null;
    });
    expect((await tauriIpc.appInfo()).mode).toBe("demo");
    await tauriIpc.sendIntent({ type: "agree", consentSha256: "ab" });
    await tauriIpc.sendIntent({ type: "setLanguage", language: "en" });
    expect(await tauriIpc.demoPersonas()).toEqual([{ id: "a", label: "A" }]);
    await tauriIpc.demoPresentFace("a");
    await tauriIpc.demoWechatScreen(false);
    await tauriIpc.uiReady([{ name: "painted", at: 1.5 }]);
    expect(calls.map(([cmd]) => cmd)).toEqual([
      "app_info", "session_intent", "session_intent", "demo_personas", "demo_present_face", "demo_wechat_screen", "ui_ready",
    ]);
    expect(calls[1]![1]).toEqual({ intent: { type: "agree", consentSha256: "ab" } });
    expect(calls[2]![1]).toEqual({ intent: { type: "setLanguage", language: "en" } });
    expect(calls[4]![1]).toEqual({ persona: "a" });
    expect(calls[5]![1]).toEqual({ confirm: false });
    expect(calls[6]![1]).toEqual({ marks: [{ name: "painted", at: 1.5 }] });
    expect(Object.values(COMMANDS).sort()).toEqual([
      "app_info", "demo_personas", "demo_present_face", "demo_wechat_screen", "session_intent", "session_view",
      "staff_audit", "staff_bundle", "staff_bundle_targets", "staff_diagnostics", "staff_enter", "staff_export_audit",
      "staff_export_receipts", "staff_forget", "staff_key_files",
      "staff_leave", "staff_preview", "staff_resume", "staff_save", "staff_settings", "staff_status", "staff_suspend",
      "staff_touch", "ui_ready",
    ]);
  });

  it("calls the staff commands by their names, with the arguments by the names Tauri expects", async () => {
    const calls: Array<[string, unknown]> = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === "staff_bundle_targets") return ["/media/usb0"];
      if (cmd === "staff_bundle") return "/media/usb0/facekiosk-support";
      if (cmd.startsWith("staff_export_")) return { path: "/media/usb0/out", count: 4 };
      return cmd === "staff_forget" ? 2 : null;
    });
    await tauriIpc.staff.enter("2468");
    await tauriIpc.staff.status();
    await tauriIpc.staff.touch();
    await tauriIpc.staff.keyFiles();
    await tauriIpc.staff.preview([{ key: "kiosk.name", value: "" }]);
    await tauriIpc.staff.save([{ key: "kiosk.name", value: "x" }]);
    await tauriIpc.staff.suspend("暂停", "Closed");
    expect(await tauriIpc.staff.forget("P-1")).toBe(2);
    expect(await tauriIpc.staff.bundleTargets()).toEqual(["/media/usb0"]);
    expect(await tauriIpc.staff.bundle("/media/usb0")).toBe("/media/usb0/facekiosk-support");
    expect(await tauriIpc.staff.exportReceipts("2026-12-01", "2026-12-02", "/media/usb0")).toEqual({ path: "/media/usb0/out", count: 4 });
    await tauriIpc.staff.exportAudit("/media/usb0");
    await tauriIpc.staff.leave();
    expect(calls).toEqual([
      ["staff_enter", { pin: "2468" }],
      ["staff_status", {}],
      ["staff_touch", {}],
      ["staff_key_files", {}],
      ["staff_preview", { edits: [{ key: "kiosk.name", value: "" }] }],
      ["staff_save", { edits: [{ key: "kiosk.name", value: "x" }] }],
      // Rust's `zh_cn` argument, as Tauri names it on this side.
      ["staff_suspend", { zhCn: "暂停", en: "Closed" }],
      ["staff_forget", { number: "P-1" }],
      ["staff_bundle_targets", {}],
      ["staff_bundle", { dir: "/media/usb0" }],
      ["staff_export_receipts", { from: "2026-12-01", to: "2026-12-02", utcOffsetMinutes: -new Date("2026-12-01T12:00:00").getTimezoneOffset(), dir: "/media/usb0" }],
      ["staff_export_audit", { dir: "/media/usb0" }],
      ["staff_leave", {}],
    ]);
  });

  it("delivers session://view and terminal://status payloads", async () => {
    expect(EVENTS).toEqual({ SESSION_VIEW: "session://view", TERMINAL_STATUS: "terminal://status" });
    mockIPC(() => null, { shouldMockEvents: true });
    const views: SessionView[] = [];
    const statuses: TerminalStatus[] = [];
    const unlisten = await tauriIpc.onView((v) => views.push(v));
    await tauriIpc.onTerminalStatus((s) => statuses.push(s));
    const v: SessionView = { seq: 3, language: "en", elder: false, screen: { name: "idle" }, countdown: null };
    await emit(EVENTS.SESSION_VIEW, v);
    await emit(EVENTS.TERMINAL_STATUS, { state: "connected", detail: null });
    expect(views).toEqual([v]);
    expect(statuses).toEqual([{ state: "connected", detail: null }]);
    unlisten();
    await emit(EVENTS.SESSION_VIEW, { ...v, seq: 4 });
    expect(views).toHaveLength(1);
  });

  it("a refused command rejects with the AppError the UI branches on", async () => {
    mockIPC(() => {
      throw { code: "INTENT_NOT_NOW", message: "`agree` is not possible on the idle screen" };
    });
    const error = await tauriIpc.sendIntent({ type: "agree", consentSha256: "x" }).catch((e: unknown) => e);
    expect(asAppError(error)).toEqual({ code: "INTENT_NOT_NOW", message: "`agree` is not possible on the idle screen" });
    expect(asAppError("plain text")).toEqual({ code: "ipc", message: "plain text" });
  });
});
