// "Save to…": the folders a file can be written to, as the core lists them (USB sticks first,
// the kiosk's own folder last). Asked again on "look again", because a stick is often plugged in
// after the screen is open; the folder chosen stays chosen while it is still there. It also
// writes there: one file at a time, the answer or the refusal on the screen's message line.
import { h } from "../dom";
import type { Translate } from "../i18n";
import type { StaffIpc } from "../ipc";
import { refusalNotice, staffButton } from "./frame";
import type { Notice, Outcome, Staff, StaffScreen } from "./types";

export class TargetChooser {
  /** Null until the core has answered. */
  private list: string[] | null = null;
  private chosen: string | null = null;
  private writing = false;

  constructor(
    private readonly staff: Staff,
    /** Sets the screen's message line (the screen is rendered again after). */
    private readonly say: (notice: Notice | null) => void,
    /** Unique on its screen: the label's `for`. */
    private readonly id = "staff-target",
  ) {}

  /** The folder to write to; null while there is none to choose (loading, or none at all). */
  get dir(): string | null {
    return this.chosen;
  }

  /** True while a file is being written. */
  get busy(): boolean {
    return this.writing;
  }

  /** A folder is chosen and nothing is being written: the write button may be pressed. */
  get ready(): boolean {
    return !this.writing && this.chosen !== null;
  }

  /** Runs `fn` on the chosen folder; the message line gets `done`'s words for the answer, or
   *  the refusal. The outcome too, for a screen that reads more into a refusal. */
  async write<T>(
    screen: StaffScreen,
    fn: (ipc: StaffIpc, dir: string) => Promise<T>,
    done: (value: T) => Notice,
  ): Promise<Outcome<T> | null> {
    const dir = this.chosen;
    if (!this.ready || dir === null) return null;
    this.writing = true;
    this.say(null);
    this.staff.refresh(screen);
    const outcome = await this.staff.run(screen, (ipc) => fn(ipc, dir));
    this.writing = false;
    if (!outcome) return null;
    this.say(outcome.ok ? done(outcome.value) : refusalNotice(outcome.error));
    this.staff.refresh(screen);
    return outcome;
  }

  load(screen: StaffScreen): void {
    void this.staff.run(screen, (ipc) => ipc.bundleTargets()).then((outcome) => {
      if (!outcome) return;
      if (outcome.ok) {
        this.list = outcome.value;
        if (this.chosen === null || !this.list.includes(this.chosen)) this.chosen = this.list[0] ?? null;
      } else {
        this.list = this.list ?? [];
        this.say(refusalNotice(outcome.error));
      }
      this.staff.refresh(screen);
    });
  }

  render(t: Translate, screen: StaffScreen): HTMLElement {
    const again = staffButton(t("staff.targets.refresh"), () => this.load(screen), "secondary", {
      "data-action": "refresh-targets",
    });
    const list = this.list;
    let chooser: HTMLElement;
    if (list === null) chooser = h("p", { class: "lead staff-loading", attrs: { "data-staff-loading": true } }, t("staff.loading"));
    else if (list.length === 0)
      chooser = h("p", { class: "staff-field-note", attrs: { "data-targets-empty": true, role: "note" } }, t("staff.targets.empty"));
    else {
      const select = h(
        "select",
        { class: "staff-input", attrs: { id: this.id, "data-field": "target" } },
        ...list.map((dir, i) =>
          h(
            "option",
            { attrs: { value: dir, selected: dir === this.chosen } },
            // The last is the kiosk's own folder: staff should know it is not a stick.
            i === list.length - 1 ? t("staff.targets.kiosk", { path: dir }) : dir,
          ),
        ),
      );
      select.value = this.chosen ?? "";
      select.addEventListener("change", () => (this.chosen = select.value));
      chooser = select;
    }
    return h(
      "div",
      { class: "staff-field staff-targets" },
      // A label only with something to label.
      list?.length
        ? h("label", { class: "staff-field-key", attrs: { for: this.id } }, t("staff.targets.label"))
        : h("span", { class: "staff-field-key" }, t("staff.targets.label")),
      h("div", { class: "staff-targets-row" }, chooser, again),
    );
  }
}
