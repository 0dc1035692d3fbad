// Writing files for staff against a fake core: consent receipts, the audit trail and the support
// bundle, into the folder chosen from staff_bundle_targets; what reaches the core and what staff read.
import { afterEach, describe, expect, it, vi } from "vitest";
import { dictionaries } from "../src/i18n";
import { SCREENS, click, view, type Mounted } from "./fixtures";
import { Refuse, TARGETS, TECHNICIAN } from "./staffFake";
import { enterStaff, settle, staffCalls } from "./staffHelpers";

const zh = dictionaries["zh-CN"];

afterEach(() => vi.useRealTimers());

function edit(el: Element | null, value: string): void {
  const field = el as HTMLInputElement | HTMLSelectElement;
  field.value = value;
  field.dispatchEvent(new Event(field instanceof HTMLSelectElement ? "change" : "input", { bubbles: true }));
}

async function open(nav: string, setup: Parameters<typeof enterStaff>[0] = () => {}): Promise<Mounted> {
  const m = await enterStaff(setup, nav === "diagnostics" ? TECHNICIAN : undefined);
  click(m.$(`[data-staff-nav='${nav}']`));
  await settle();
  return m;
}

const message = (m: Mounted) => m.$("[data-staff-message]")!;
const button = (m: Mounted, action: string) => m.$<HTMLButtonElement>(`[data-action='${action}']`)!;
const value = (m: Mounted, field: string) => m.$<HTMLInputElement | HTMLSelectElement>(`[data-field='${field}']`)?.value;

describe("export consent receipts (records)", () => {
  it("dates default to this month so far, in local dates; the first folder is chosen", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(2027, 0, 9, 23, 30)); // late evening: still the 9th where the kiosk is
    const m = await open("records");
    expect(m.$<HTMLInputElement>("[data-field='from']")?.type).toBe("date");
    expect(value(m, "from")).toBe("2027-01-01");
    expect(value(m, "to")).toBe("2027-01-09");
    expect(staffCalls(m, "staff_bundle_targets")).toHaveLength(1);
    expect(m.$$<HTMLOptionElement>("[data-field='target'] option").map((o) => o.value)).toEqual(TARGETS);
    expect(value(m, "target")).toBe(TARGETS[0]);
    // The kiosk's own folder (the last) is said to be the kiosk's.
    expect(m.$$("[data-field='target'] option")[1]?.textContent).toBe(zh["staff.targets.kiosk"].replace("{path}", TARGETS[1]!));
    // Below the forget section.
    expect(m.$$("[data-section]").map((s) => s.dataset.section)).toEqual(["forget", "receipts"]);
  });

  it("sends the dates and the folder chosen; the message says how many and where", async () => {
    const m = await open("records");
    edit(m.$("[data-field='from']"), "2026-11-01");
    edit(m.$("[data-field='to']"), "2026-11-30");
    edit(m.$("[data-field='target']"), TARGETS[1]!);
    click(button(m, "export-receipts"));
    await settle();
    expect(staffCalls(m, "staff_export_receipts")).toEqual([{ from: "2026-11-01", to: "2026-11-30", dir: TARGETS[1] }]);
    expect(message(m).dataset.kind).toBe("exported");
    const path = `${TARGETS[1]}/consent-receipts.csv`;
    expect(message(m).textContent).toBe(zh["staff.records.exported"].replace("{count}", "12").replace("{path}", path));
    // What was chosen stays as it was for the next export.
    expect(value(m, "from")).toBe("2026-11-01");
    expect(value(m, "target")).toBe(TARGETS[1]);
  });

  it("the button is off while the export runs: one press, one file", async () => {
    let finish: (() => void) | null = null;
    const m = await open("records");
    m.ipc.staff.answers.export_receipts = () => new Promise((resolve) => (finish = () => resolve({ path: "/x.csv", count: 1 })));
    click(button(m, "export-receipts"));
    expect(button(m, "export-receipts").disabled).toBe(true);
    click(button(m, "export-receipts"));
    finish!();
    await settle();
    expect(staffCalls(m, "staff_export_receipts")).toHaveLength(1);
    expect(button(m, "export-receipts").disabled).toBe(false);
  });

  it("a start after the end: said here, nothing sent", async () => {
    const m = await open("records");
    edit(m.$("[data-field='from']"), "2026-12-02");
    edit(m.$("[data-field='to']"), "2026-12-01");
    click(button(m, "export-receipts"));
    await settle();
    expect(staffCalls(m, "staff_export_receipts")).toEqual([]);
    expect(message(m).dataset.kind).toBe("error");
    expect(message(m).textContent).toBe(zh["staff.records.datesOrder"]);
    expect(m.$("[data-field='from']")?.getAttribute("aria-invalid")).toBe("true");
  });

  it("a date the core refuses: its words, and the field it names marked", async () => {
    const m = await open("records");
    m.ipc.staff.answers.export_receipts = new Refuse("SETTINGS_INVALID", "to: not a date (YYYY-MM-DD)");
    click(button(m, "export-receipts"));
    await settle();
    expect(message(m).dataset.kind).toBe("error");
    expect(message(m).textContent).toBe(zh["staff.error"].replace("{message}", "to: not a date (YYYY-MM-DD)"));
    expect(m.$("[data-field='to']")?.getAttribute("aria-invalid")).toBe("true");
    expect(m.$("[data-field='from']")?.hasAttribute("aria-invalid")).toBe(false);
  });

  it("a file that could not be written: the core's words, which name the file", async () => {
    const m = await open("records");
    const failed = `${TARGETS[0]}/consent-receipts.csv: no space left on device`;
    m.ipc.staff.answers.export_receipts = new Refuse("STAFF_ACTION_FAILED", failed);
    click(button(m, "export-receipts"));
    await settle();
    expect(message(m).dataset.kind).toBe("error");
    expect(message(m).textContent).toContain(failed);
  });
});

describe("export the audit trail", () => {
  it("sends the folder chosen; the message says how many and where", async () => {
    const m = await open("audit");
    expect(value(m, "target")).toBe(TARGETS[0]);
    click(button(m, "export-audit"));
    await settle();
    expect(staffCalls(m, "staff_export_audit")).toEqual([{ dir: TARGETS[0] }]);
    expect(message(m).dataset.kind).toBe("exported");
    const path = `${TARGETS[0]}/staff-audit.jsonl`;
    expect(message(m).textContent).toBe(zh["staff.audit.exported"].replace("{count}", "3").replace("{path}", path));
    // The trail is still shown below.
    expect(m.$$("[data-audit-kind]")).toHaveLength(3);
  });

  it("a refusal is shown, the trail stays", async () => {
    const m = await open("audit");
    m.ipc.staff.answers.export_audit = new Refuse("STAFF_ACTION_FAILED", `${TARGETS[0]}/staff-audit.jsonl: read-only file system`);
    click(button(m, "export-audit"));
    await settle();
    expect(message(m).dataset.kind).toBe("error");
    expect(message(m).textContent).toContain("staff-audit.jsonl: read-only file system");
    expect(m.$$("[data-audit-kind]")).toHaveLength(3);
  });
});

describe("support bundle (diagnostics)", () => {
  it("progress while it is written, then its path; sent to the folder chosen", async () => {
    let finish: (() => void) | null = null;
    const m = await open("diagnostics");
    m.ipc.staff.answers.bundle = (arg) =>
      new Promise((resolve) => (finish = () => resolve(`${(arg as { dir: string }).dir}/facekiosk-support-1`)));
    edit(m.$("[data-field='target']"), TARGETS[1]!);
    expect(m.$("[data-bundle-running]")).toBeNull();
    click(button(m, "bundle"));
    expect(m.$("[data-bundle-running]")?.textContent).toBe(zh["staff.diagnostics.bundleRunning"]);
    expect(button(m, "bundle").disabled).toBe(true);
    finish!();
    await settle();
    expect(staffCalls(m, "staff_bundle")).toEqual([{ dir: TARGETS[1] }]);
    expect(m.$("[data-bundle-running]")).toBeNull();
    expect(message(m).dataset.kind).toBe("bundle-written");
    expect(message(m).textContent).toBe(zh["staff.diagnostics.bundleWritten"].replace("{path}", `${TARGETS[1]}/facekiosk-support-1`));
    expect(button(m, "bundle").disabled).toBe(false);
    expect(button(m, "bundle").textContent).toBe(zh["staff.diagnostics.bundle"]);
  });

  it("refused: the words staff read", async () => {
    const m = await open("diagnostics");
    m.ipc.staff.answers.bundle = new Refuse("STAFF_FORBIDDEN");
    click(button(m, "bundle"));
    await settle();
    expect(message(m).dataset.kind).toBe("error");
    expect(message(m).textContent).toBe(zh["staff.forbidden"]);
  });
});

describe("no folder to write to", () => {
  it.each([
    ["records", "export-receipts"],
    ["audit", "export-audit"],
    ["diagnostics", "bundle"],
  ])("%s: the button is off and says why; a stick found on 'look again' turns it on", async (nav, action) => {
    const m = await open(nav, (ipc) => (ipc.staff.answers.bundle_targets = []));
    expect(button(m, action).disabled).toBe(true);
    expect(m.$("[data-field='target']")).toBeNull();
    expect(m.$("[data-targets-empty]")?.textContent).toBe(zh["staff.targets.empty"]);

    m.ipc.staff.answers.bundle_targets = ["/media/usb0"];
    click(button(m, "refresh-targets"));
    await settle();
    expect(m.$("[data-targets-empty]")).toBeNull();
    expect(value(m, "target")).toBe("/media/usb0");
    expect(button(m, action).disabled).toBe(false);
  });

  it("the list refused: the message says so and the button stays off", async () => {
    const m = await open("audit", (ipc) => (ipc.staff.answers.bundle_targets = new Refuse("STAFF_ACTION_FAILED", "/proc/mounts: unreadable")));
    expect(message(m).dataset.kind).toBe("error");
    expect(message(m).textContent).toContain("/proc/mounts: unreadable");
    expect(button(m, "export-audit").disabled).toBe(true);
  });

  it("looking again keeps the folder chosen while it is still there", async () => {
    const m = await open("records");
    edit(m.$("[data-field='target']"), TARGETS[1]!);
    m.ipc.staff.answers.bundle_targets = ["/media/usb1", ...TARGETS];
    click(button(m, "refresh-targets"));
    await settle();
    expect(value(m, "target")).toBe(TARGETS[1]);
    m.ipc.staff.answers.bundle_targets = ["/media/usb1"];
    click(button(m, "refresh-targets"));
    await settle();
    expect(value(m, "target")).toBe("/media/usb1");
  });
});

it("in English, the bundle's words are English", async () => {
  const m = await open("diagnostics", (ipc) => (ipc.current = view(SCREENS.idle(), { language: "en" })));
  const words = m.$$("[data-section='bundle'] h2, [data-section='bundle'] p, [data-section='bundle'] label, [data-section='bundle'] button");
  expect(words.map((el) => el.textContent).join(" ")).toContain(dictionaries.en["staff.diagnostics.bundle"]);
  expect(words.map((el) => el.textContent).join(" ")).not.toMatch(/\p{Script=Han}/u);
});
