// The staff screens against a fake core: what staff see and what reaches the core.
import { describe, expect, it } from "vitest";
import { dictionaries } from "../src/i18n";
import { INFO, click } from "./fixtures";
import { FIELDS, REPORT, Refuse, SUSPENSION, TECHNICIAN } from "./staffFake";
import { enterStaff, screenOf, settle, staffCalls } from "./staffHelpers";

const zh = dictionaries["zh-CN"];
const en = dictionaries.en;

function edit(el: Element | null, value: string): void {
  const field = el as HTMLInputElement | HTMLSelectElement;
  field.value = value;
  field.dispatchEvent(new Event(field instanceof HTMLSelectElement ? "change" : "input", { bubbles: true }));
}

describe("staff home", () => {
  it("staff: the menu without diagnostics; every staff screen has home and leave", async () => {
    const m = await enterStaff();
    const navs = m.$$("[data-staff-nav]").map((b) => b.dataset.staffNav);
    expect(navs).toEqual(["settings", "suspend", "records", "audit", "leave"]);
    for (const nav of ["settings", "suspend", "records", "audit"]) {
      click(m.$(`[data-staff-nav='${nav}']`));
      await settle();
      expect(m.$("[data-action='home']"), nav).not.toBeNull();
      expect(m.$("[data-staff-nav='leave']"), nav).not.toBeNull();
      click(m.$("[data-action='home']"));
    }
    expect(screenOf(m)).toBe("staffHome");
  });

  it("a technician has diagnostics too", async () => {
    const m = await enterStaff(undefined, TECHNICIAN);
    expect(m.$("[data-staff-nav='diagnostics']")).not.toBeNull();
  });

  it("leave: staff_leave, then the patient screens, with app_info asked again", async () => {
    const m = await enterStaff();
    let asked = 0;
    m.ipc.appInfo = async () => (asked += 1, INFO.production);
    click(m.$("[data-staff-nav='leave']"));
    await settle();
    expect(staffCalls(m, "staff_leave")).toHaveLength(1);
    expect(screenOf(m)).toBe("idle");
    expect(asked).toBe(1);
  });

  it("the language switch works on the staff screens without sending an intent", async () => {
    const m = await enterStaff();
    click(m.$("[data-action='language']"));
    expect(m.$("h1")?.textContent).toBe(en["staff.home.title"]);
    expect(document.documentElement.lang).toBe("en");
    expect(m.ipc.intents()).toEqual([]);
  });
});

describe("settings", () => {
  const openSettings = async () => {
    const m = await enterStaff();
    click(m.$("[data-staff-nav='settings']"));
    await settle();
    return m;
  };

  it("fields by group, read-only ones disabled with a note, 'default' for a value not in the file", async () => {
    const m = await openSettings();
    expect(m.$$("fieldset[data-group]").map((f) => f.dataset.group)).toEqual(["merchant", "kiosk", "terminal"]);
    expect(m.$("fieldset[data-group='kiosk'] legend")?.textContent).toBe(zh["staff.settings.group.kiosk"]);
    const storeId = m.$<HTMLInputElement>("[data-field='store.store_id']")!;
    expect(storeId.disabled).toBe(true);
    expect(m.$("[data-field-row='store.store_id']")?.textContent).toContain(zh["staff.settings.technicianOnly"]);
    const timeout = m.$<HTMLInputElement>("[data-field='kiosk.idle_timeout_secs']")!;
    expect(timeout.value).toBe("");
    expect(timeout.placeholder).toBe(zh["staff.settings.default"]);
    expect(m.$<HTMLSelectElement>("[data-field='kiosk.language']")?.value).toBe("zh-CN");
  });

  it("review sends only the edited fields; every problem shows beside its field and in the list", async () => {
    const m = await openSettings();
    m.ipc.staff.answers.preview = {
      changes: [],
      problems: [
        { field: "kiosk.idle_timeout_secs", rule: "must be a whole number" },
        { field: "terminal.serial", rule: "too long" },
      ],
    };
    edit(m.$("[data-field='kiosk.idle_timeout_secs']"), "abc");
    edit(m.$("[data-field='terminal.serial']"), "X".repeat(80));
    edit(m.$("[data-field='kiosk.name']"), FIELDS[1]!.value!); // typed back as it was: not an edit
    click(m.$("[data-action='review']"));
    await settle();
    expect(staffCalls(m, "staff_preview")).toEqual([
      { edits: [{ key: "kiosk.idle_timeout_secs", value: "abc" }, { key: "terminal.serial", value: "X".repeat(80) }] },
    ]);
    expect(screenOf(m)).toBe("staffSettings");
    expect(m.$("[data-problem-for='kiosk.idle_timeout_secs']")?.textContent).toBe("must be a whole number");
    expect(m.$("[data-problem-for='terminal.serial']")?.textContent).toBe("too long");
    expect(m.$$("[data-problems] li")).toHaveLength(2);
    // The edits are still in their fields.
    expect(m.$<HTMLInputElement>("[data-field='kiosk.idle_timeout_secs']")?.value).toBe("abc");
    expect(m.$("[data-field='kiosk.idle_timeout_secs']")?.getAttribute("aria-invalid")).toBe("true");
  });

  it("no problems: the review lists old → new; back keeps the edits; save sends them and says so at home", async () => {
    const m = await openSettings();
    m.ipc.staff.answers.preview = {
      changes: [
        { key: "kiosk.name", old: "门诊一楼 1 号机", new: "门诊二楼" },
        { key: "kiosk.language", old: "zh-CN", new: null },
      ],
      problems: [],
    };
    edit(m.$("[data-field='kiosk.name']"), "门诊二楼");
    edit(m.$("[data-field='kiosk.language']"), "");
    click(m.$("[data-action='review']"));
    await settle();
    expect(screenOf(m)).toBe("staffReview");
    expect(m.$("[data-change='kiosk.name']")?.textContent).toContain("门诊一楼 1 号机 → 门诊二楼");
    expect(m.$("[data-change='kiosk.language']")?.textContent).toContain(`zh-CN → ${zh["staff.settings.default"]}`);

    click(m.$("[data-action='back']"));
    await settle();
    expect(screenOf(m)).toBe("staffSettings");
    expect(m.$<HTMLInputElement>("[data-field='kiosk.name']")?.value).toBe("门诊二楼");
    expect(m.$<HTMLSelectElement>("[data-field='kiosk.language']")?.value).toBe("");

    click(m.$("[data-action='review']"));
    await settle();
    m.ipc.staff.answers.save = [{ key: "kiosk.name", old: "a", new: "b" }, { key: "kiosk.language", old: "zh-CN", new: null }];
    let infos = 0;
    m.ipc.appInfo = async () => (infos += 1, { ...INFO.production, storeName: "示例市第二人民医院" });
    click(m.$("[data-action='save']"));
    await settle();
    const sent = { edits: [{ key: "kiosk.name", value: "门诊二楼" }, { key: "kiosk.language", value: "" }] };
    expect(staffCalls(m, "staff_save")).toEqual([sent]);
    expect(screenOf(m)).toBe("staffHome");
    expect(m.$("[data-staff-message]")?.dataset.kind).toBe("saved");
    expect(m.$("[data-staff-message]")?.textContent).toBe(zh["staff.home.saved"].replace("{count}", "2"));
    expect(infos).toBe(1);
    expect(m.$(".brand")?.textContent).toBe("示例市第二人民医院");
  });

  it("a save the core refuses as invalid goes back to the form with the problems by field", async () => {
    const m = await openSettings();
    m.ipc.staff.answers.preview = { changes: [{ key: "kiosk.name", old: "a", new: "b" }], problems: [] };
    m.ipc.staff.answers.save = new Refuse("SETTINGS_INVALID", "kiosk.name: too long; terminal.serial: required");
    edit(m.$("[data-field='kiosk.name']"), "b");
    click(m.$("[data-action='review']"));
    await settle();
    click(m.$("[data-action='save']"));
    await settle();
    expect(screenOf(m)).toBe("staffSettings");
    expect(m.$("[data-problem-for='kiosk.name']")?.textContent).toBe("too long");
    expect(m.$("[data-problem-for='terminal.serial']")?.textContent).toBe("required");
  });
});

describe("out of service", () => {
  it("prefilled in both languages; suspending shows the patients' screen once staff leave", async () => {
    const m = await enterStaff();
    click(m.$("[data-staff-nav='suspend']"));
    const zhField = m.$<HTMLTextAreaElement>("textarea[data-field='zh_cn']")!;
    expect(zhField.value).toBe("本机暂停服务，请到人工窗口办理。");
    expect(m.$<HTMLTextAreaElement>("textarea[data-field='en']")?.value).toMatch(/out of service/);
    zhField.value = "系统维护中，请到人工窗口办理。";
    zhField.dispatchEvent(new Event("input"));
    const suspendedInfo = { ...INFO.production, suspension: { ...SUSPENSION, zhCn: "系统维护中，请到人工窗口办理。" } };
    m.ipc.info = suspendedInfo;
    click(m.$("[data-action='suspend']"));
    await settle();
    expect(staffCalls(m, "staff_suspend")).toEqual([{ zhCn: "系统维护中，请到人工窗口办理。", en: SUSPENSION.en }]);
    expect(screenOf(m)).toBe("staffHome");
    expect(m.$("[data-staff-message]")?.dataset.kind).toBe("suspended");

    // Suspended now: the screen shows the message and offers resume.
    click(m.$("[data-staff-nav='suspend']"));
    expect(m.$("[data-suspension]")?.textContent).toContain("系统维护中");
    expect(m.$("[data-action='resume']")).not.toBeNull();
    expect(m.$("textarea")).toBeNull();

    click(m.$("[data-staff-nav='leave']"));
    await settle();
    expect(screenOf(m)).toBe("suspended");
    expect(m.$("h1")?.textContent).toBe("系统维护中，请到人工窗口办理。");
    expect(m.$("[data-suspension-other]")?.textContent).toBe(SUSPENSION.en);
    expect(m.$("[data-suspension-other]")?.getAttribute("lang")).toBe("en");
    expect(m.$("#staff-corner")).not.toBeNull();
    expect(m.$("[data-action='start']")).toBeNull();
  });

  it("resume: staff_resume, then home says so", async () => {
    const m = await enterStaff((ipc) => (ipc.info = { ...INFO.production, suspension: SUSPENSION }));
    click(m.$("[data-staff-nav='suspend']"));
    m.ipc.info = INFO.production;
    click(m.$("[data-action='resume']"));
    await settle();
    expect(staffCalls(m, "staff_resume")).toHaveLength(1);
    expect(m.$("[data-staff-message]")?.dataset.kind).toBe("resumed");
    click(m.$("[data-staff-nav='leave']"));
    await settle();
    expect(screenOf(m)).toBe("idle");
  });
});

describe("records", () => {
  it("forget asks first; the answer says forgotten or not found", async () => {
    const m = await enterStaff();
    click(m.$("[data-staff-nav='records']"));
    const number = () => m.$<HTMLInputElement>("[data-field='number']")!;
    number().value = " P-000123 ";
    number().dispatchEvent(new Event("input"));
    click(m.$("[data-action='forget']"));
    expect(staffCalls(m, "staff_forget")).toEqual([]);
    expect(m.root.textContent).toContain(zh["staff.records.confirm"].replace("{number}", "P-000123"));
    click(m.$("[data-action='confirm']"));
    await settle();
    expect(staffCalls(m, "staff_forget")).toEqual([{ number: "P-000123" }]);
    expect(m.$("[data-staff-message]")?.dataset.kind).toBe("forgotten");
    expect(number().value).toBe("");

    m.ipc.staff.answers.forget = 0;
    number().value = "P-999";
    number().dispatchEvent(new Event("input"));
    click(m.$("[data-action='forget']"));
    click(m.$("[data-action='confirm']"));
    await settle();
    expect(m.$("[data-staff-message]")?.dataset.kind).toBe("not-found");
  });
});

describe("audit trail and diagnostics", () => {
  it("audit: a row per line, newest first, kind in words", async () => {
    const m = await enterStaff();
    click(m.$("[data-staff-nav='audit']"));
    await settle();
    expect(m.$$("[data-audit-kind]").map((r) => r.dataset.auditKind)).toEqual(["setting_changed", "entry_granted", "entry_refused"]);
    const first = m.$("[data-audit-kind='setting_changed']")!;
    expect(first.textContent).toContain(zh["staff.audit.kind.setting_changed"]);
    expect(first.textContent).toContain("wang.nurse");
    expect(first.textContent).toContain("kiosk.name");
    expect(first.querySelector("time")?.getAttribute("datetime")).toBe("2026-12-02T08:30:00Z");
  });

  it("diagnostics: progress, then each check, a summary and run again", async () => {
    let finish: (() => void) | null = null;
    const m = await enterStaff(undefined, TECHNICIAN);
    m.ipc.staff.answers.diagnostics = () => new Promise((resolve) => (finish = () => resolve(REPORT)));
    click(m.$("[data-staff-nav='diagnostics']"));
    expect(m.$("[data-diagnostics-running]")).not.toBeNull();
    expect(m.$<HTMLButtonElement>("[data-action='rerun']")?.disabled).toBe(true);
    finish!();
    await settle();
    expect(m.$("[data-diagnostics-running]")).toBeNull();
    expect(m.$$("[data-check-id]").map((c) => `${c.dataset.checkId}=${c.dataset.status}`)).toEqual([
      "config.file=ok", "terminal.link=warn", "wechat.certificate=fail",
    ]);
    expect(m.$("[data-check-id='wechat.certificate']")?.textContent).toContain("Renew the certificate");
    expect(m.$("[data-diagnostics-summary]")?.textContent).toBe(
      zh["staff.diagnostics.summary"].replace("{ok}", "1").replace("{warn}", "1").replace("{fail}", "1"),
    );
    click(m.$("[data-action='rerun']"));
    expect(staffCalls(m, "staff_diagnostics")).toHaveLength(2);
  });
});
