// Kiosk hygiene and the keyboard: everything works without a pointer, nothing the browser offers
// (menus, zoom, reload, selection) reaches the patient.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installKioskGuards, isBlockedShortcut } from "../src/kiosk";
import { INFO, SCREENS, flush, mount, screen, view } from "./fixtures";

let remove: () => void;
beforeAll(() => (remove = installKioskGuards(document)));
afterAll(() => remove());

function key(target: EventTarget, k: string, init: KeyboardEventInit = {}, type = "keydown"): KeyboardEvent {
  const event = new KeyboardEvent(type, { key: k, bubbles: true, cancelable: true, ...init });
  target.dispatchEvent(event);
  return event;
}

describe("keyboard", () => {
  it("Enter on the focused primary action sends its intent, once per press", async () => {
    const m = await mount();
    const start = document.activeElement!;
    expect(start.getAttribute("data-action")).toBe("start");
    const down = key(start, "Enter");
    expect(down.defaultPrevented).toBe(true);
    key(start, "Enter", { repeat: true }); // held down: no more taps
    expect(m.ipc.intents()).toEqual([{ type: "start" }]);
  });

  it("Space activates the focused button (and its keyup does not click it again)", async () => {
    const m = await mount((ipc) => (ipc.current = view(SCREENS.refusal())));
    const done = document.activeElement!;
    expect(done.getAttribute("data-action")).toBe("done");
    key(done, " ");
    expect(key(done, " ", {}, "keyup").defaultPrevented).toBe(true);
    expect(m.ipc.intents()).toEqual([{ type: "done" }]);
  });

  it("Tab order on consent: the notice, then agree and decline side by side, then cancel", async () => {
    const m = await mount((ipc) => (ipc.current = view(SCREENS.consent("en"), { language: "en" })));
    const order = m
      .$$("button, [tabindex='0']")
      .filter((el) => !el.closest("header"))
      .map((el) => el.getAttribute("data-action") ?? el.className);
    expect(order).toEqual(["consent-doc", "agree", "decline", "cancel"]);
    // Keyboard-only agree: Tab to the button, Enter.
    const agree = m.$("button[data-action='agree']")!;
    agree.focus();
    key(agree, "Enter");
    expect(m.ipc.intents()).toEqual([{ type: "agree", consentSha256: SCREENS.consent("en").consent.sha256 }]);
  });

  it("demo WeChat screen: the focus on the screen, not an answer; both answers by Tab and Enter", async () => {
    const m = await mount((ipc) => {
      ipc.info = INFO.demo;
      ipc.current = view(SCREENS.waitingConfirmation());
    });
    const panel = document.activeElement as HTMLElement;
    expect(panel.classList.contains("wechat-screen")).toBe(true);
    expect(panel.tabIndex).toBe(-1); // focusable for the start, not a Tab stop of its own
    // Enter on the focused screen answers nothing.
    key(panel, "Enter");
    await flush();
    expect(m.ipc.calls).toEqual([]);
    const order = m
      .$$("button, [tabindex='0']")
      .filter((el) => !el.closest("header"))
      .map((el) => el.getAttribute("data-wechat") ?? el.getAttribute("data-action"));
    expect(order).toEqual(["cancel", "confirm", "cancel"]); // WeChat's two answers, then the kiosk's cancel
    for (const answer of ["cancel", "confirm"]) {
      const b = m.$(`button[data-wechat='${answer}']`)!;
      b.focus();
      key(b, "Enter");
    }
    await flush();
    expect(m.ipc.calls.filter((c) => c.cmd === "demo_wechat_screen").map((c) => c.arg)).toEqual([false, true]);
    expect(m.ipc.intents()).toEqual([]);
  });

  it.each(["consent", "preparing", "faceScan", "waitingConfirmation"] as const)(
    "Escape cancels on %s",
    async (name) => {
      const m = await mount((ipc) => (ipc.current = view(screen(name))));
      expect(key(document.activeElement ?? document.body, "Escape").defaultPrevented).toBe(true);
      expect(m.ipc.intents()).toEqual([{ type: "cancel" }]);
    },
  );

  it.each(["success", "welcomeBack", "refusal", "failed"] as const)("Escape finishes %s (done)", async (name) => {
    const m = await mount((ipc) => (ipc.current = view(screen(name))));
    key(document.body, "Escape");
    expect(m.ipc.intents()).toEqual([{ type: "done" }]);
  });

  it("Escape does nothing on idle, and means 'I'm still here' on the warning", async () => {
    const m = await mount();
    expect(key(document.body, "Escape").defaultPrevented).toBe(false);
    expect(m.ipc.intents()).toEqual([]);
    m.ipc.emitView(view(SCREENS.faceScan(), { countdown: { secondsLeft: 10, warning: true } }));
    key(document.activeElement!, "Escape");
    expect(m.ipc.intents()).toEqual([{ type: "extend" }]);
  });
});

describe("kiosk guards", () => {
  it("no context menu, no selection, no dragging", () => {
    for (const type of ["contextmenu", "selectstart", "dragstart"]) {
      const event = new Event(type, { bubbles: true, cancelable: true });
      document.body.dispatchEvent(event);
      expect(event.defaultPrevented, type).toBe(true);
    }
  });

  it("no zoom by keyboard or ctrl+wheel; plain wheel still scrolls", () => {
    for (const k of ["+", "=", "-", "0"]) expect(key(document.body, k, { ctrlKey: true }).defaultPrevented, k).toBe(true);
    expect(key(document.body, "Add", { ctrlKey: true, code: "NumpadAdd" }).defaultPrevented).toBe(true);
    const zoom = new WheelEvent("wheel", { ctrlKey: true, deltaY: -100, bubbles: true, cancelable: true });
    document.body.dispatchEvent(zoom);
    expect(zoom.defaultPrevented).toBe(true);
    const scroll = new WheelEvent("wheel", { deltaY: 100, bubbles: true, cancelable: true });
    document.body.dispatchEvent(scroll);
    expect(scroll.defaultPrevented).toBe(false);
  });

  it("no reload, print, find, select-all or devtools keys; ordinary keys pass", () => {
    const blocked: KeyboardEventInit[] = [
      { key: "F5" }, { key: "r", ctrlKey: true }, { key: "R", ctrlKey: true, shiftKey: true },
      { key: "p", ctrlKey: true }, { key: "f", ctrlKey: true }, { key: "a", ctrlKey: true },
      { key: "F12" }, { key: "ArrowLeft", altKey: true },
    ];
    for (const init of blocked) expect(isBlockedShortcut(new KeyboardEvent("keydown", init)), JSON.stringify(init)).toBe(true);
    for (const k of ["Tab", "Enter", " ", "Escape", "ArrowDown", "PageDown", "a"])
      expect(isBlockedShortcut(new KeyboardEvent("keydown", { key: k })), k).toBe(false);
  });
});
