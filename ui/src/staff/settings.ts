// Settings: the file's fields by group, each as its kind asks; only what was changed is sent,
// first for a preview (every problem at once, beside its field), then, reviewed, for saving.
import { h } from "../dom";
import type { MessageKey, Translate } from "../i18n";
import type { Edit, FieldProblem, FieldView } from "../types";
import { load, loadingLine, refusalNotice, staffButton, staffPage } from "./frame";
import { KeyFilesSection } from "./keyFiles";
import { reviewScreen } from "./review";
import type { Notice, Staff, StaffScreen } from "./types";

const GROUPS = ["merchant", "kiosk", "terminal", "hospital"];

export interface SettingsScreen extends StaffScreen {
  /** Back from the review with the core's problems (a save it refused). */
  showProblems(problems: FieldProblem[]): void;
}

export function settingsScreen(staff: Staff): SettingsScreen {
  let fields: FieldView[] | null = null;
  const edits = new Map<string, string>();
  let problems: FieldProblem[] = [];
  let notice: Notice | null = null;
  let busy = false;
  const keyFiles = new KeyFilesSection(staff);

  const editList = (): Edit[] =>
    (fields ?? []).filter((f) => edits.has(f.key)).map((f) => ({ key: f.key, value: edits.get(f.key)! }));

  const edited = (field: FieldView, value: string) => {
    if (value === (field.value ?? "")) edits.delete(field.key);
    else edits.set(field.key, value);
  };

  const review = async () => {
    if (busy) return;
    const list = editList();
    if (list.length === 0) {
      notice = { kind: "info", key: "staff.settings.noEdits" };
      return staff.refresh(screen);
    }
    busy = true;
    const outcome = await staff.run(screen, (ipc) => ipc.preview(list));
    busy = false;
    if (!outcome) return;
    if (!outcome.ok) notice = refusalNotice(outcome.error);
    else if (outcome.value.problems.length > 0) {
      problems = outcome.value.problems;
      notice = null;
    } else return staff.go(reviewScreen(staff, screen, list, outcome.value.changes));
    staff.refresh(screen);
  };

  const input = (t: Translate, field: FieldView): HTMLElement => {
    const id = `field-${field.key}`;
    const hasProblem = problems.some((p) => p.field === field.key);
    const attrs = {
      id,
      "data-field": field.key,
      disabled: !field.editable,
      "aria-invalid": hasProblem ? "true" : null,
      "aria-describedby": hasProblem ? `problem-${field.key}` : !field.editable ? `note-${field.key}` : null,
    };
    const value = edits.get(field.key) ?? field.value ?? "";
    let el: HTMLInputElement | HTMLSelectElement;
    if (field.kind === "choice") {
      el = h(
        "select",
        { class: "staff-input", attrs },
        h("option", { attrs: { value: "" } }, `(${t("staff.settings.default")})`),
        // A value the file has that is not (or no longer) a choice is still shown as it is.
        ...[...field.choices, ...(value && !field.choices.includes(value) ? [value] : [])].map((c) =>
          h("option", { attrs: { value: c } }, c),
        ),
      );
    } else {
      const mode = field.kind === "integer" ? "numeric" : field.kind === "number" ? "decimal" : null;
      el = h("input", {
        class: "staff-input",
        attrs: { ...attrs, type: "text", inputmode: mode, autocomplete: "off", spellcheck: "false" },
      });
      if (field.value === null) el.placeholder = t("staff.settings.default");
    }
    el.value = value;
    el.addEventListener(field.kind === "choice" ? "change" : "input", () => edited(field, el.value));
    return el;
  };

  const row = (t: Translate, field: FieldView): HTMLElement =>
    h(
      "div",
      { class: "staff-field", attrs: { "data-field-row": field.key } },
      h("label", { class: "staff-field-key", attrs: { for: `field-${field.key}` } }, field.key),
      input(t, field),
      field.editable
        ? null
        : h("span", { class: "staff-field-note", attrs: { id: `note-${field.key}` } }, t("staff.settings.technicianOnly")),
      ...problems
        .filter((p) => p.field === field.key)
        .map((p) => h("span", { class: "staff-problem", attrs: { id: `problem-${field.key}`, "data-problem-for": field.key } }, p.rule)),
    );

  const groupTitle = (t: Translate, group: string) =>
    GROUPS.includes(group) ? t(`staff.settings.group.${group}` as MessageKey) : group;

  const screen: SettingsScreen = {
    name: "staffSettings",
    start() {
      // Again on the way back from the review: the edits stay, the file's values are fresh.
      load(staff, screen, (ipc) => ipc.settings(), (value, refused) => {
        fields = value ?? fields;
        notice = refused;
      });
      keyFiles.load(screen);
    },
    showProblems(found) {
      problems = found;
    },
    render(t) {
      const groups = [...GROUPS, ...new Set((fields ?? []).map((f) => f.group).filter((g) => !GROUPS.includes(g)))];
      const body = fields
        ? groups
            .filter((g) => fields!.some((f) => f.group === g))
            .map((g) =>
              h(
                "fieldset",
                { class: "staff-group", attrs: { "data-group": g } },
                h("legend", {}, groupTitle(t, g)),
                ...fields!.filter((f) => f.group === g).map((f) => row(t, f)),
              ),
            )
        : [loadingLine(t)];
      const list =
        problems.length > 0
          ? h(
              "div",
              { class: "staff-panel staff-problems", attrs: { role: "alert" } },
              h("h2", {}, t("staff.settings.problems")),
              h("ul", { class: "problems", attrs: { "data-problems": true } }, ...problems.map((p) => h("li", {}, `${p.field}: ${p.rule}`))),
            )
          : null;
      const reviewButton = staffButton(t("staff.settings.review"), () => void review(), "primary", { "data-action": "review" });
      reviewButton.disabled = fields === null;
      const content = staffPage(staff, t, "staffSettings", t("staff.settings.title"), [list, ...body, keyFiles.render(t)], {
        notice,
        actions: [reviewButton],
      });
      const firstProblem = problems.length > 0 ? content.querySelector<HTMLElement>("[aria-invalid='true']") : null;
      return { title: t("staff.settings.title"), content, primary: firstProblem, escape: null };
    },
  };
  return screen;
}
