// Forget a patient by the number on their screen (what staff at the window have), after a
// confirmation: it cannot be undone. Below it, the export of consent receipts.
import { h } from "../dom";
import { refusalNotice, staffButton, staffPage } from "./frame";
import { ReceiptsExport } from "./receipts";
import type { Notice, Staff, StaffScreen } from "./types";

export function recordsScreen(staff: Staff): StaffScreen {
  let number = "";
  let confirming = false;
  let notice: Notice | null = null;
  let busy = false;
  const receipts = new ReceiptsExport(staff, (n) => (notice = n));

  const ask = () => {
    number = number.trim();
    if (number === "") notice = { kind: "error", key: "staff.records.empty" };
    else {
      confirming = true;
      notice = null;
    }
    staff.refresh(screen);
  };

  const back = () => {
    confirming = false;
    staff.refresh(screen);
  };

  const forget = async () => {
    if (busy) return;
    busy = true;
    const asked = number;
    const outcome = await staff.run(screen, (ipc) => ipc.forget(asked));
    busy = false;
    if (!outcome) return;
    confirming = false;
    if (!outcome.ok) notice = refusalNotice(outcome.error);
    else {
      const count = outcome.value;
      notice =
        count > 0
          ? { kind: "forgotten", key: "staff.records.forgotten", vars: { number: asked, count } }
          : { kind: "not-found", key: "staff.records.notFound", vars: { number: asked } };
      number = "";
    }
    staff.refresh(screen);
  };

  const screen: StaffScreen = {
    name: "staffRecords",
    start() {
      receipts.targets.load(screen);
    },
    render(t) {
      const field = h("input", {
        class: "staff-input",
        attrs: { id: "records-number", "data-field": "number", type: "text", autocomplete: "off", spellcheck: "false", disabled: confirming },
      });
      field.value = number;
      field.addEventListener("input", () => (number = field.value));
      field.addEventListener("keydown", (event) => {
        if (event.key === "Enter") {
          event.preventDefault();
          ask();
        }
      });
      const forgetting: Array<HTMLElement> = [
        h("h2", { class: "staff-section-title", attrs: { id: "forget-title" } }, t("staff.records.forgetTitle")),
        h("p", { class: "lead" }, t("staff.records.lead")),
        h(
          "div",
          { class: "staff-field" },
          h("label", { class: "staff-field-key", attrs: { for: "records-number" } }, t("staff.records.number")),
          field,
        ),
      ];
      let actions: HTMLButtonElement[];
      if (confirming) {
        forgetting.push(h("p", { class: "staff-confirm", attrs: { role: "alert" } }, t("staff.records.confirm", { number })));
        actions = [
          staffButton(t("staff.records.back"), back, "secondary", { "data-action": "back" }),
          staffButton(t("staff.records.confirmButton"), () => void forget(), "primary", { "data-action": "confirm" }),
        ];
      } else {
        actions = [staffButton(t("staff.records.forget"), ask, "primary", { "data-action": "forget" })];
      }
      // The forget buttons stay with their field, above the export.
      const body = [
        h(
          "section",
          { class: "staff-section", attrs: { "data-section": "forget", "aria-labelledby": "forget-title" } },
          ...forgetting,
          h("div", { class: "actions" }, ...actions),
        ),
        receipts.render(t, screen),
      ];
      const content = staffPage(staff, t, "staffRecords", t("staff.records.title"), body, { notice });
      // Confirming: the focus on "no", the safe answer.
      return { title: t("staff.records.title"), content, primary: confirming ? actions[0]! : field, escape: null };
    },
  };
  return screen;
}
