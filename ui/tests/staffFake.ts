// A fake core for the staff commands: answers from `answers` (a value, a function of the
// argument, or a refusal), records every call in the shared list.
import type { ExportView, KeyFileView, StaffIpc } from "../src/ipc";
import type { AuditLine, Entry, FieldView, Preview, Report, StaffView, SuspensionView } from "../src/types";

export type Call = { cmd: string; arg?: unknown };

/** A refusal as the shell sends it. */
export class Refuse {
  constructor(
    readonly code: string,
    readonly message = "",
  ) {}
}

export const STAFF: StaffView = { account: "wang.nurse", role: "staff" };
export const TECHNICIAN: StaffView = { account: "li.tech", role: "technician" };

export const FIELDS: FieldView[] = [
  { key: "store.store_id", group: "merchant", kind: "text", choices: [], value: "S-001", editable: false },
  { key: "kiosk.name", group: "kiosk", kind: "text", choices: [], value: "门诊一楼 1 号机", editable: true },
  { key: "kiosk.idle_timeout_secs", group: "kiosk", kind: "integer", choices: [], value: null, editable: true },
  { key: "kiosk.language", group: "kiosk", kind: "choice", choices: ["zh-CN", "en"], value: "zh-CN", editable: true },
  { key: "terminal.serial", group: "terminal", kind: "text", choices: [], value: null, editable: true },
];

/** One file of each state; the exposed one with the command to run. */
export const KEY_FILES: KeyFileView[] = [
  { key: "keys.apiv2_key_file", path: "/etc/facekiosk/keys/apiv2.key", state: "ok", action: null },
  { key: "keys.apiclient_cert_file", path: "/etc/facekiosk/keys/apiclient_cert.pem", state: "missing", action: "Place the merchant certificate there" },
  { key: "keys.apiclient_key_file", path: "/etc/facekiosk/keys/apiclient_key.pem", state: "exposed", action: "chmod 600 /etc/facekiosk/keys/apiclient_key.pem" },
  { key: "records.hmac_key_file", path: "/var/lib/facekiosk/hmac.key", state: "unreadable", action: "Make it readable by the kiosk's user" },
];

export const AUDIT: AuditLine[] = [
  { at: "2026-12-02T08:30:00Z", account: "wang.nurse", kind: "setting_changed", detail: "kiosk.name" },
  { at: "2026-12-02T08:29:00Z", account: "wang.nurse", kind: "entry_granted", detail: null },
  { at: "2026-12-02T08:28:00Z", account: "", kind: "entry_refused", detail: null },
];

export const REPORT: Report = {
  checks: [
    { id: "config.file", status: "ok", detail: "config.toml read", action: null },
    { id: "terminal.link", status: "warn", detail: "no device attached", action: "Plug in the face device" },
    { id: "wechat.certificate", status: "fail", detail: "expired 3 days ago", action: "Renew the certificate" },
  ],
};

export const SUSPENSION: SuspensionView = {
  zhCn: "本机暂停服务，请到人工窗口办理。",
  en: "This kiosk is out of service. Please register at the window.",
  since: "2026-12-02T08:00:00Z",
  by: "wang.nurse",
};

/** A USB stick, then the kiosk's own folder (the core lists its own last). */
export const TARGETS = ["/media/usb-KINGSTON", "/var/lib/facekiosk/exports"];

type Answer<A, T> = T | Refuse | ((arg: A) => T | Refuse | Promise<T>);

export interface Answers {
  enter: Answer<string, Entry>;
  status: Answer<void, StaffView | null>;
  settings: Answer<void, FieldView[]>;
  key_files: Answer<void, KeyFileView[]>;
  preview: Answer<unknown, Preview>;
  save: Answer<unknown, unknown>;
  suspend: Answer<unknown, SuspensionView>;
  resume: Answer<void, boolean>;
  forget: Answer<string, number>;
  audit: Answer<void, AuditLine[]>;
  diagnostics: Answer<void, Report>;
  touch: Answer<void, void>;
  leave: Answer<void, void>;
  bundle_targets: Answer<void, string[]>;
  bundle: Answer<unknown, string>;
  export_receipts: Answer<unknown, ExportView>;
  export_audit: Answer<unknown, ExportView>;
}

export class FakeStaff implements StaffIpc {
  answers: Answers = {
    enter: { outcome: "granted", ...STAFF },
    status: null,
    settings: FIELDS,
    key_files: KEY_FILES,
    preview: { changes: [], problems: [] },
    save: [],
    suspend: SUSPENSION,
    resume: true,
    forget: 1,
    audit: AUDIT,
    diagnostics: REPORT,
    touch: undefined,
    leave: undefined,
    bundle_targets: TARGETS,
    bundle: (arg) => `${(arg as { dir: string }).dir}/facekiosk-support-20261202-0830`,
    export_receipts: (arg) => ({ path: `${(arg as { dir: string }).dir}/consent-receipts.csv`, count: 12 }),
    export_audit: (arg) => ({ path: `${(arg as { dir: string }).dir}/staff-audit.jsonl`, count: 3 }),
  };

  constructor(private readonly calls: Call[]) {}

  private async answer<K extends keyof Answers>(name: K, arg?: unknown, record = true): Promise<never> {
    if (record) this.calls.push(arg === undefined ? { cmd: `staff_${name}` } : { cmd: `staff_${name}`, arg });
    const a = this.answers[name] as unknown;
    const value = typeof a === "function" ? await (a as (x: unknown) => unknown)(arg) : a;
    if (value instanceof Refuse) throw { code: value.code, message: value.message };
    return value as never;
  }

  // The PIN is not recorded: a test asserts on what was sent through `answers.enter`.
  enter = (pin: string) => this.answer("enter", pin, false);
  status = () => this.answer("status", undefined, false);
  touch = () => this.answer("touch");
  leave = () => this.answer("leave");
  settings = () => this.answer("settings");
  keyFiles = () => this.answer("key_files");
  preview = (edits: unknown) => this.answer("preview", { edits });
  save = (edits: unknown) => this.answer("save", { edits });
  suspend = (zhCn: string, en: string) => this.answer("suspend", { zhCn, en });
  resume = () => this.answer("resume");
  forget = (number: string) => this.answer("forget", { number });
  audit = () => this.answer("audit");
  diagnostics = () => this.answer("diagnostics");
  bundleTargets = () => this.answer("bundle_targets");
  bundle = (dir: string) => this.answer("bundle", { dir });
  exportReceipts = (from: string, to: string, dir: string) => this.answer("export_receipts", { from, to, dir });
  exportAudit = (dir: string) => this.answer("export_audit", { dir });
}
