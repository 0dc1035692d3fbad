// The review: each change as "old → new" (no value: the default), then save or back to the
// form with the edits as they were.
import { h } from "../dom";
import type { Translate } from "../i18n";
import type { ChangeView, Edit, FieldProblem } from "../types";
import { refusalNotice, staffButton, staffPage } from "./frame";
import type { SettingsScreen } from "./settings";
import type { Notice, Staff, StaffScreen } from "./types";

/** SETTINGS_INVALID's message, "field: rule; field: rule", as problems by field. */
export function parseProblems(message: string): FieldProblem[] {
  return message
    .split(";")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) => {
      const at = part.indexOf(":");
      return at < 0 ? { field: "", rule: part } : { field: part.slice(0, at).trim(), rule: part.slice(at + 1).trim() };
    });
}

export function reviewScreen(staff: Staff, form: SettingsScreen, edits: Edit[], changes: ChangeView[]): StaffScreen {
  let notice: Notice | null = null;
  let saving = false;

  const save = async () => {
    if (saving) return;
    saving = true;
    const outcome = await staff.run(screen, (ipc) => ipc.save(edits));
    saving = false;
    if (!outcome) return;
    if (outcome.ok) {
      // The store's name (the header) may be one of the changes.
      await staff.infoChanged();
      return staff.home({ kind: "saved", key: "staff.home.saved", vars: { count: outcome.value.length } });
    }
    if (outcome.error.code === "SETTINGS_INVALID") {
      form.showProblems(parseProblems(outcome.error.message));
      return staff.go(form);
    }
    notice = refusalNotice(outcome.error);
    staff.refresh(screen);
  };

  const shown = (t: Translate, value: string | null) =>
    value === null || value === ""
      ? h("span", { class: "staff-default" }, t("staff.settings.default"))
      : h("code", {}, value);

  const screen: StaffScreen = {
    name: "staffReview",
    render(t) {
      const list = h(
        "ul",
        { class: "staff-changes" },
        ...changes.map((c) =>
          h(
            "li",
            { attrs: { "data-change": c.key } },
            h("span", { class: "staff-field-key" }, c.key),
            h("span", { class: "staff-change" }, shown(t, c.old), h("span", { attrs: { "aria-hidden": "true" } }, " → "), shown(t, c.new)),
          ),
        ),
      );
      const saveButton = staffButton(t("staff.review.save"), () => void save(), "primary", { "data-action": "save" });
      saveButton.disabled = changes.length === 0;
      const back = staffButton(t("staff.review.back"), () => staff.go(form), "secondary", { "data-action": "back" });
      const content = staffPage(
        staff,
        t,
        "staffReview",
        t("staff.review.title"),
        [h("p", { class: "lead" }, t(changes.length > 0 ? "staff.review.lead" : "staff.review.none")), list],
        { notice, actions: [back, saveButton] },
      );
      return { title: t("staff.review.title"), content, primary: changes.length > 0 ? saveButton : back, escape: null };
    },
  };
  return screen;
}
