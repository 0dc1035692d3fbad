// The way into the staff mode: the hidden corner, the keyboard chord, the PIN pad.
import { afterEach, describe, expect, it, vi } from "vitest";
import { dictionaries } from "../src/i18n";
import { INFO, SCREENS, click, mount, view, type Mounted } from "./fixtures";
import { Refuse, TECHNICIAN } from "./staffFake";
import { chord, press, settle, tapCorner, typePin } from "./staffHelpers";

afterEach(() => vi.useRealTimers());

const zh = dictionaries["zh-CN"];
const shown = (m: Mounted) => m.$("main")?.dataset.screen;
const SUSPENDED = { zhCn: "暂停", en: "Closed", since: "2026-12-02T08:00:00Z", by: "wang" };

describe("the hidden entry", () => {
  it("five taps on the corner within three seconds open the PIN pad", async () => {
    const m = await mount();
    const corner = m.$<HTMLButtonElement>("#staff-corner")!;
    expect(corner.tagName).toBe("BUTTON");
    expect(corner.getAttribute("aria-label")).toBe(zh["staff.corner"]);
    expect(document.activeElement).not.toBe(corner); // "start" keeps the focus
    tapCorner(m, 4);
    expect(shown(m)).toBe("idle");
    tapCorner(m, 1);
    expect(shown(m)).toBe("staffPin");
    expect(m.root.dataset.screen).toBe("staffPin");
  });

  it("taps spread over more than three seconds do not", async () => {
    vi.useFakeTimers();
    const m = await mount();
    for (let i = 0; i < 8; i += 1) {
      tapCorner(m, 1);
      vi.advanceTimersByTime(800); // five taps take 3.2 s
    }
    expect(shown(m)).toBe("idle");
  });

  it("Ctrl+Alt+S opens it too; S alone or Ctrl+S does not", async () => {
    const m = await mount();
    press("s");
    press("s", { ctrlKey: true });
    expect(shown(m)).toBe("idle");
    expect(chord().defaultPrevented).toBe(true);
    expect(shown(m)).toBe("staffPin");
  });

  it("is offered on the misconfigured and out-of-service screens", async () => {
    let m = await mount((ipc) => {
      ipc.info = INFO.misconfigured;
      ipc.current = new Error("no session");
    });
    expect(m.$$("[data-action]").map((b) => b.dataset.action)).toEqual(["language"]);
    tapCorner(m, 5);
    expect(shown(m)).toBe("staffPin");
    m = await mount((ipc) => (ipc.info = { ...INFO.production, suspension: SUSPENDED }));
    chord();
    expect(shown(m)).toBe("staffPin");
  });

  it.each(["consent", "faceScan", "success"] as const)("is not offered during a patient's session (%s)", async (name) => {
    const m = await mount((ipc) => (ipc.current = view(SCREENS[name]("zh-CN"))));
    expect(m.$("#staff-corner")).toBeNull();
    chord();
    expect(shown(m)).toBe(name);
  });
});

describe("the PIN pad", () => {
  const openPad = async (setup?: Parameters<typeof mount>[0]) => {
    const m = await mount(setup);
    chord();
    return m;
  };

  it("shows dots, never digits; a right PIN opens the staff home", async () => {
    const m = await openPad();
    const tried: string[] = [];
    m.ipc.staff.answers.enter = (pin) => (tried.push(pin), { outcome: "granted", ...TECHNICIAN });
    for (const d of ["2", "4", "6", "8"]) click(m.$(`[data-digit="${d}"]`));
    expect(m.$$("[data-pin-dots] .pin-dot")).toHaveLength(4);
    expect(m.root.textContent).not.toContain("2468");
    click(m.$("[data-action='enter']"));
    await settle();
    expect(tried).toEqual(["2468"]);
    expect(shown(m)).toBe("staffHome");
    expect(m.$("[data-staff-account]")?.textContent).toContain("li.tech");
    expect(m.$("[data-staff-account]")?.textContent).toContain(zh["staff.role.technician"]);
  });

  it("takes the keyboard: digits, Backspace, Enter; Escape cancels", async () => {
    const m = await openPad();
    const tried: string[] = [];
    m.ipc.staff.answers.enter = (pin) => (tried.push(pin), { outcome: "refused" });
    for (const k of ["1", "2", "9", "Backspace", "3"]) press(k);
    expect(m.$$("[data-pin-dots] .pin-dot")).toHaveLength(3);
    press("Enter");
    await settle();
    expect(tried).toEqual(["123"]);
    press("Escape");
    expect(shown(m)).toBe("idle");
    expect(m.ipc.calls.map((c) => c.cmd)).not.toContain("staff_leave"); // nobody was in
  });

  it("a wrong PIN: the refused message, the dots emptied, try again", async () => {
    const m = await openPad();
    m.ipc.staff.answers.enter = { outcome: "refused" };
    typePin(m, "0000");
    await settle();
    const line = m.$("[data-staff-message]")!;
    expect(line.dataset.kind).toBe("refused");
    expect(line.textContent).toBe(zh["staff.pin.refused"]);
    expect(m.$$("[data-pin-dots] .pin-dot")).toHaveLength(0);
    expect(shown(m)).toBe("staffPin");
  });

  it("locked: the seconds count down with the pad off, then it comes back", async () => {
    vi.useFakeTimers();
    const m = await openPad();
    m.ipc.staff.answers.enter = { outcome: "locked", remainingSecs: 3 };
    typePin(m, "1111");
    await settle();
    const line = () => m.$("[data-staff-message]")!;
    expect(line().dataset.kind).toBe("locked");
    expect(line().textContent).toBe(zh["staff.pin.locked"].replace("{seconds}", "3"));
    const digit = m.$<HTMLButtonElement>("[data-digit='5']")!;
    expect(digit.disabled).toBe(true);
    expect(m.$<HTMLButtonElement>("[data-action='enter']")!.disabled).toBe(true);
    expect(m.$<HTMLButtonElement>("[data-action='cancel']")!.disabled).toBe(false);
    press("5");
    expect(m.$$("[data-pin-dots] .pin-dot")).toHaveLength(0);
    vi.advanceTimersByTime(1000);
    expect(line().textContent).toBe(zh["staff.pin.locked"].replace("{seconds}", "2"));
    vi.advanceTimersByTime(2000);
    expect(line().dataset.kind).toBeUndefined();
    expect(digit.disabled).toBe(false);
  });

  it("busy while a patient's session is under way", async () => {
    const m = await openPad();
    m.ipc.staff.answers.enter = new Refuse("PATIENT_SESSION_ACTIVE", "a patient session is active");
    typePin(m, "1234");
    await settle();
    expect(m.$("[data-staff-message]")?.dataset.kind).toBe("busy");
    expect(m.$("[data-staff-message]")?.textContent).toBe(zh["staff.pin.busy"]);
  });
});
