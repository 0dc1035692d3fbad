// The audit trail, newest first: when (local time), who, what (in words), and the detail. The
// export sits above the table: the trail can be long.
import { h } from "../dom";
import type { MessageKey, Translate } from "../i18n";
import type { AuditLine } from "../types";
import { load, loadingLine, staffButton, staffPage } from "./frame";
import { localTime } from "./suspend";
import { TargetChooser } from "./targets";
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
  let loaded = false;
  const targets = new TargetChooser(staff, (n) => (notice = n), "audit-target");

  const exportAudit = () =>
    targets.write(screen, (ipc, dir) => ipc.exportAudit(dir), ({ count, path }) => ({
      kind: "exported",
      key: "staff.audit.exported",
      vars: { count, path },
    }));

  const exportSection = (t: Translate) => {
    const go = staffButton(t("staff.audit.export"), () => void exportAudit(), "primary", { "data-action": "export-audit" });
    go.disabled = !targets.ready;
    return h(
      "section",
      { class: "staff-section", attrs: { "data-section": "export-audit" } },
      targets.render(t, screen),
      h("div", { class: "actions" }, go),
    );
  };

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
      targets.load(screen);
      load(staff, screen, (ipc) => ipc.audit(), (value, refused) => {
        lines = value;
        if (refused) notice = refused;
        loaded = true;
      });
    },
    render(t) {
      const body = lines ? table(t, lines) : loaded ? null : loadingLine(t);
      const content = staffPage(staff, t, "staffAudit", t("staff.audit.title"), [exportSection(t), body], { notice });
      return { title: t("staff.audit.title"), content, primary: null, escape: null };
    },
  };
  return screen;
}
