// The staff mode's edges: inactivity, the core closing it, the patient screens held back,
// the out-of-service screen for patients.
import { afterEach, describe, expect, it, vi } from "vitest";
import { dictionaries } from "../src/i18n";
import { INFO, SCREENS, click, mount, view } from "./fixtures";
import { Refuse, STAFF, SUSPENSION } from "./staffFake";
import { chord, enterStaff, press, screenOf, settle, staffCalls } from "./staffHelpers";

afterEach(() => vi.useRealTimers());

describe("inactivity", () => {
  it("a minute without input on the staff screens: staff_leave and the patient screens", async () => {
    vi.useFakeTimers();
    const m = await enterStaff();
    vi.advanceTimersByTime(50_000);
    click(m.$("[data-staff-nav='records']")); // input: the minute starts again
    vi.advanceTimersByTime(59_000);
    expect(screenOf(m)).toBe("staffRecords");
    expect(staffCalls(m, "staff_leave")).toEqual([]);
    vi.advanceTimersByTime(1_000);
    await settle();
    expect(staffCalls(m, "staff_leave")).toHaveLength(1);
    expect(screenOf(m)).toBe("idle");
  });

  it("input keeps the core's minute going: staff_touch at most every 10 s, the last input covered", async () => {
    vi.useFakeTimers();
    const m = await enterStaff();
    // Entry itself opened the minute: input right after it needs no touch yet.
    for (let i = 0; i < 9; i += 1) {
      press("Tab");
      vi.advanceTimersByTime(1_000);
    }
    expect(staffCalls(m, "staff_touch")).toHaveLength(0);
    vi.advanceTimersByTime(1_000); // 10 s after entry: the input since then is told
    expect(staffCalls(m, "staff_touch")).toHaveLength(1);
    for (let i = 0; i < 30; i += 1) {
      press("Tab");
      vi.advanceTimersByTime(1_000);
    }
    expect(staffCalls(m, "staff_touch")).toHaveLength(4);
    vi.advanceTimersByTime(30_000); // no input: no touch
    expect(staffCalls(m, "staff_touch")).toHaveLength(4);
  });

  it("an unused PIN pad goes back to the patient screens too (nobody to sign out)", async () => {
    vi.useFakeTimers();
    const m = await mount();
    chord();
    vi.advanceTimersByTime(60_000);
    expect(screenOf(m)).toBe("idle");
    expect(staffCalls(m, "staff_leave")).toEqual([]);
  });
});

describe("the core closed the staff mode", () => {
  it("STAFF_NOT_ENTERED on any command: back to the patient screens", async () => {
    const m = await enterStaff();
    m.ipc.staff.answers.settings = new Refuse("STAFF_NOT_ENTERED", "the staff mode is not open");
    click(m.$("[data-staff-nav='settings']"));
    await settle();
    expect(screenOf(m)).toBe("idle");
    expect(m.$("button[data-action='start']")).not.toBeNull();
  });

  it("another refusal stays on the screen, with the core's message where it is for staff", async () => {
    const m = await enterStaff();
    m.ipc.staff.answers.audit = new Refuse("STAFF_ACTION_FAILED", "staff/audit.jsonl: cannot be read");
    click(m.$("[data-staff-nav='audit']"));
    await settle();
    expect(screenOf(m)).toBe("staffAudit");
    expect(m.$("[data-staff-message]")?.dataset.kind).toBe("error");
    expect(m.$("[data-staff-message]")?.textContent).toContain("staff/audit.jsonl: cannot be read");
  });
});

describe("while the staff mode is open", () => {
  it("a view from the core does not bring the patient screens back, and no intent is sent", async () => {
    const m = await enterStaff();
    m.ipc.emitView(view(SCREENS.idle(), { language: "en" }));
    expect(screenOf(m)).toBe("staffHome");
    press("Escape");
    click(m.$("[data-action='language']"));
    expect(m.ipc.intents()).toEqual([]);
  });

  it("a start refused as STAFF_MODE_OPEN: the staff home the core says is open", async () => {
    const m = await mount();
    m.ipc.sendIntent = async () => Promise.reject({ code: "STAFF_MODE_OPEN", message: "" });
    m.ipc.staff.answers.status = STAFF;
    click(m.$("[data-action='start']"));
    await settle();
    expect(screenOf(m)).toBe("staffHome");
  });

  it("in English, every staff screen is in English", async () => {
    const m = await enterStaff((ipc) => (ipc.current = view(SCREENS.idle(), { language: "en" })));
    for (const nav of ["settings", "suspend", "records", "audit"]) {
      click(m.$(`[data-staff-nav='${nav}']`));
      await settle();
      expect(document.documentElement.lang).toBe("en");
      // The data may be Chinese (a setting's value, the Chinese message's own field); the words are not.
      const words = Array.from(m.root.querySelectorAll("h1, label, legend, button, th, p, span.staff-field-note"))
        .filter((el) => !el.closest("[lang='zh-CN'], [data-action='language']"))
        .map((el) => el.textContent ?? "");
      expect(words.join(" "), nav).not.toMatch(/\p{Script=Han}/u);
      click(m.$("[data-action='home']"));
    }
  });

  it("the screens reloaded with the staff mode open: back to the staff home", async () => {
    const m = await mount((ipc) => (ipc.staff.answers.status = STAFF));
    expect(screenOf(m)).toBe("staffHome");
    expect(m.$("[data-staff-account]")?.textContent).toContain(STAFF.account);
  });
});

describe("out of service, for patients", () => {
  it.each(["zh-CN", "en"] as const)("replaces idle with the message in %s, the other language smaller", async (language) => {
    const m = await mount((ipc) => {
      ipc.info = { ...INFO.production, suspension: SUSPENSION };
      ipc.current = view(SCREENS.idle(), { language });
    });
    expect(screenOf(m)).toBe("suspended");
    const [mine, other] = language === "en" ? [SUSPENSION.en, SUSPENSION.zhCn] : [SUSPENSION.zhCn, SUSPENSION.en];
    expect(m.$("h1")?.textContent).toBe(mine);
    expect(m.announcer.textContent).toBe(mine);
    expect(m.$("[data-suspension-other]")?.textContent).toBe(other);
    expect(m.$("[data-action='start']")).toBeNull();
    expect(m.$("#staff-corner")).not.toBeNull();
    expect(m.$("[data-action='language']")).not.toBeNull();
    expect(document.activeElement?.id).not.toBe("staff-corner");
  });

  it("a patient's session under way finishes first", async () => {
    const m = await mount((ipc) => {
      ipc.info = { ...INFO.production, suspension: SUSPENSION };
      ipc.current = view(SCREENS.faceScan());
    });
    expect(screenOf(m)).toBe("faceScan");
    m.ipc.emitView(view(SCREENS.idle()));
    expect(screenOf(m)).toBe("suspended");
  });

  it("a start refused as KIOSK_SUSPENDED asks app_info again", async () => {
    const m = await mount();
    m.ipc.sendIntent = async () => Promise.reject({ code: "KIOSK_SUSPENDED", message: "" });
    m.ipc.info = { ...INFO.production, suspension: SUSPENSION };
    click(m.$("[data-action='start']"));
    await settle();
    expect(screenOf(m)).toBe("suspended");
    expect(m.$("h1")?.textContent).toBe(SUSPENSION.zhCn);
    expect(dictionaries["zh-CN"]["staff.corner"]).toBe(m.$("#staff-corner")?.getAttribute("aria-label"));
  });
});
