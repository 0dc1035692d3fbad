// The settings screen's key files: each file the configuration names with its state and what to
// do, never typed; loaded beside the settings, and a refusal kept to its own section.
import { describe, expect, it } from "vitest";
import { dictionaries } from "../src/i18n";
import { click } from "./fixtures";
import { KEY_FILES, Refuse } from "./staffFake";
import { enterStaff, settle, staffCalls } from "./staffHelpers";

const zh = dictionaries["zh-CN"];
const en = dictionaries.en;

const openSettings = async (setup: (m: Awaited<ReturnType<typeof enterStaff>>) => void = () => {}) => {
  const m = await enterStaff();
  setup(m);
  click(m.$("[data-staff-nav='settings']"));
  await settle();
  return m;
};

describe("settings: key files", () => {
  it("one row per file with its state in words, coloured, and what to do; after the fields, before review", async () => {
    const m = await openSettings();
    const section = m.$("[data-section='key-files']")!;
    expect(section.querySelector("h2")?.textContent).toBe(zh["staff.keyFiles.title"]);
    expect(section.textContent).toContain(zh["staff.keyFiles.lead"]);
    const rows = m.$$("[data-key-file]");
    expect(rows.map((r) => [r.dataset.keyFile, r.dataset.state])).toEqual(KEY_FILES.map((f) => [f.key, f.state]));

    const ok = m.$("[data-key-file='keys.apiv2_key_file']")!;
    expect(ok.querySelector(".staff-status")?.textContent).toBe(zh["staff.keyFiles.state.ok"]);
    expect(ok.textContent).toContain("/etc/facekiosk/keys/apiv2.key");
    expect(ok.classList.contains("status-ok")).toBe(true);
    expect(ok.querySelector(".staff-check-action")).toBeNull();

    const exposed = m.$("[data-key-file='keys.apiclient_key_file'][data-state='exposed']")!;
    expect(exposed.querySelector(".staff-status")?.textContent).toBe(zh["staff.keyFiles.state.exposed"]);
    expect(exposed.classList.contains("status-fail")).toBe(true);
    expect(exposed.querySelector(".staff-check-action")?.textContent).toContain("chmod 600 /etc/facekiosk/keys/apiclient_key.pem");
    expect(m.$("[data-key-file='keys.apiclient_cert_file'] .staff-status")?.textContent).toBe(zh["staff.keyFiles.state.missing"]);
    expect(m.$("[data-key-file='records.hmac_key_file'] .staff-status")?.textContent).toBe(zh["staff.keyFiles.state.unreadable"]);

    // Nothing in the section can be typed into: keys are files, never values.
    expect(section.querySelector("input, select, textarea")).toBeNull();
    const lastGroup = m.$$("fieldset[data-group]").at(-1)!;
    expect(lastGroup.compareDocumentPosition(section) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(section.compareDocumentPosition(m.$("[data-action='review']")!) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();

    click(m.$("[data-action='language']"));
    expect(m.$("[data-section='key-files'] h2")?.textContent).toBe(en["staff.keyFiles.title"]);
    expect(m.$("[data-key-file='keys.apiclient_key_file'] .staff-status")?.textContent).toBe("readable by others");
  });

  it("a state this screen does not know is shown as sent", async () => {
    const m = await openSettings((m) => {
      m.ipc.staff.answers.key_files = [{ key: "keys.x", path: "/k", state: "stale", action: null }];
    });
    const row = m.$("[data-key-file='keys.x']")!;
    expect(row.querySelector(".staff-status")?.textContent).toBe("stale");
    expect(row.classList.contains("status-warn")).toBe(true);
  });

  it("loaded beside the settings, not after them", async () => {
    const m = await openSettings((m) => {
      m.ipc.staff.answers.settings = () => new Promise(() => {});
    });
    expect(staffCalls(m, "staff_key_files")).toHaveLength(1);
    expect(m.$$("[data-key-file]")).toHaveLength(KEY_FILES.length);
    expect(m.$("[data-staff-loading]")).not.toBeNull();
  });

  it("a refusal shows in the section only: the fields, the message line and review still work", async () => {
    const m = await openSettings((m) => {
      m.ipc.staff.answers.key_files = new Refuse("STAFF_ACTION_FAILED", "keys: the configuration could not be read");
    });
    const error = m.$("[data-section='key-files'] [data-key-files-error]");
    expect(error?.textContent).toBe(zh["staff.error"].replace("{message}", "keys: the configuration could not be read"));
    expect(error?.getAttribute("role")).toBe("alert");
    expect(m.$$("[data-key-file]")).toHaveLength(0);
    expect(m.$("[data-staff-message]")?.textContent).toBe("");
    expect(m.$$("fieldset[data-group]")).toHaveLength(3);
    expect(m.$<HTMLButtonElement>("[data-action='review']")?.disabled).toBe(false);
  });

  it("settings refused, key files still listed", async () => {
    const m = await openSettings((m) => {
      m.ipc.staff.answers.settings = new Refuse("STAFF_ACTION_FAILED", "config: unreadable");
    });
    expect(m.$("[data-staff-message]")?.textContent).toContain("config: unreadable");
    expect(m.$$("[data-key-file]")).toHaveLength(KEY_FILES.length);
    expect(m.$("[data-key-files-error]")).toBeNull();
  });

  it("no key files configured: says so", async () => {
    const m = await openSettings((m) => {
      m.ipc.staff.answers.key_files = [];
    });
    expect(m.$("[data-section='key-files'] [data-key-files-empty]")?.textContent).toBe(zh["staff.keyFiles.empty"]);
    expect(m.$$("[data-key-file]")).toHaveLength(0);
  });
});
