// The audit trail, newest first: when (local time), who, what (in words), and the detail.
import { h } from "../dom";
import type { MessageKey, Translate } from "../i18n";
import type { AuditLine } from "../types";
import { load, loadingLine, staffPage } from "./frame";
import { localTime } from "./suspend";
import type { Notice, Staff, StaffScreen } from "./types";

export const AUDIT_KINDS = [
  "entry_granted", "entry_refused", "setting_changed", "suspended", "resumed", "patient_forgotten",
  "receipts_exported", "bundle_written", "audit_exported", "account_added", "pin_reset", "account_removed",
] as const;

/** A kind this build knows in words; one it does not, as the core wrote it. */
const kindText = (t: Translate, kind: string): string =>
  (AUDIT_KINDS as readonly string[]).includes(kind) ? t(`staff.audit.kind.${kind}` as MessageKey) : kind;

export function auditScreen(staff: Staff): StaffScreen {
  let lines: AuditLine[] | null = null;
  let notice: Notice | null = null;

  const table = (t: Translate, rows: AuditLine[]) =>
    rows.length === 0
      ? h("p", { class: "lead" }, t("staff.audit.empty"))
      : h(
          "table",
          { class: "staff-table" },
          h(
            "thead",
            {},
            h("tr", {}, ...(["staff.audit.at", "staff.audit.account", "staff.audit.kind", "staff.audit.detail"] as const).map((k) => h("th", { attrs: { scope: "col" } }, t(k)))),
          ),
          h(
            "tbody",
            {},
            ...rows.map((line) =>
              h(
                "tr",
                { attrs: { "data-audit-kind": line.kind } },
                h("td", { class: "staff-time" }, h("time", { attrs: { datetime: line.at } }, localTime(t, line.at))),
                h("td", {}, line.account),
                h("td", {}, kindText(t, line.kind)),
                h("td", { class: "staff-detail" }, line.detail ?? "—"),
              ),
            ),
          ),
        );

  const screen: StaffScreen = {
    name: "staffAudit",
    start() {
      load(staff, screen, (ipc) => ipc.audit(), (value, refused) => {
        lines = value;
        notice = refused;
      });
    },
    render(t) {
      const body = lines ? table(t, lines) : notice ? null : loadingLine(t);
      const content = staffPage(staff, t, "staffAudit", t("staff.audit.title"), [body], { notice });
      return { title: t("staff.audit.title"), content, primary: null, escape: null };
    },
  };
  return screen;
}
