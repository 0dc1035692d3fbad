// The records screen's export of consent receipts: the receipts shown between two local dates
// (both included), as a CSV file in a folder staff choose. By default this month so far, the
// period a hospital usually asks for.
import { h } from "../dom";
import type { Translate } from "../i18n";
import { staffButton } from "./frame";
import { TargetChooser } from "./targets";
import type { Notice, Staff, StaffScreen } from "./types";

const pad = (n: number) => String(n).padStart(2, "0");

/** `YYYY-MM-DD` of `d` where the kiosk is: what a date input shows and the core reads. */
export const localDate = (d: Date): string => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

type DateField = "from" | "to";

export class ReceiptsExport {
  private from: string;
  private to: string;
  /** The date the core refused (its message starts with the field's name). */
  private invalid: DateField | null = null;
  readonly targets: TargetChooser;

  constructor(
    private readonly staff: Staff,
    private readonly notice: (notice: Notice | null) => void,
    today = new Date(),
  ) {
    this.from = localDate(new Date(today.getFullYear(), today.getMonth(), 1));
    this.to = localDate(today);
    this.targets = new TargetChooser(staff, notice, "receipts-target");
  }

  render(t: Translate, screen: StaffScreen): HTMLElement {
    const date = (field: DateField, key: "staff.records.from" | "staff.records.to") => {
      const input = h("input", {
        class: "staff-input",
        attrs: { id: `receipts-${field}`, "data-field": field, type: "date", "aria-invalid": this.invalid === field ? "true" : null },
      });
      input.value = this[field];
      const keep = () => {
        this[field] = input.value;
        if (this.invalid === field) {
          this.invalid = null;
          input.removeAttribute("aria-invalid");
        }
      };
      input.addEventListener("input", keep);
      input.addEventListener("change", keep);
      return h(
        "div",
        { class: "staff-field" },
        h("label", { class: "staff-field-key", attrs: { for: `receipts-${field}` } }, t(key)),
        input,
      );
    };
    const go = staffButton(t("staff.records.export"), () => void this.export(screen), "primary", {
      "data-action": "export-receipts",
    });
    go.disabled = !this.targets.ready;
    return h(
      "section",
      { class: "staff-section", attrs: { "data-section": "receipts", "aria-labelledby": "receipts-title" } },
      h("h2", { class: "staff-section-title", attrs: { id: "receipts-title" } }, t("staff.records.exportTitle")),
      h("p", { class: "lead" }, t("staff.records.exportLead")),
      date("from", "staff.records.from"),
      date("to", "staff.records.to"),
      this.targets.render(t, screen),
      h("div", { class: "actions" }, go),
    );
  }

  private async export(screen: StaffScreen): Promise<void> {
    if (!this.targets.ready) return;
    const { from, to } = this;
    // ISO dates compare as text; the core checks them again.
    if (from === "" || to === "") return this.say(screen, { kind: "error", key: "staff.records.datesEmpty" });
    if (from > to) {
      this.invalid = "from";
      return this.say(screen, { kind: "error", key: "staff.records.datesOrder" });
    }
    this.invalid = null;
    const outcome = await this.targets.write(screen, (ipc, dir) => ipc.exportReceipts(from, to, dir), ({ count, path }) => ({
      kind: "exported",
      key: "staff.records.exported",
      vars: { count, path },
    }));
    if (outcome && !outcome.ok && outcome.error.code === "SETTINGS_INVALID") {
      // The core names the date it refused first: that field is marked.
      const field = /^(from|to)\b/.exec(outcome.error.message)?.[1] as DateField | undefined;
      if (field) {
        this.invalid = field;
        this.staff.refresh(screen);
      }
    }
  }

  private say(screen: StaffScreen, notice: Notice): void {
    this.notice(notice);
    this.staff.refresh(screen);
  }
}
