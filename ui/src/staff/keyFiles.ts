// The key, certificate and secret files the configuration names, in place of their values: keys
// are never typed or shown at the kiosk, a technician places them as files. Each with its state
// (never its content) and what to do about it. A refusal stays in this section: the settings
// above it still work without it.
import { h } from "../dom";
import type { MessageKey, Translate } from "../i18n";
import type { KeyFileView } from "../bindings/KeyFileView";
import { loadingLine, refusalNotice, statusItem } from "./frame";
import type { Notice, Staff, StaffScreen } from "./types";

/** The states the core sends, and how each is coloured (a state this UI does not know yet is
 *  shown as sent, as a warning). */
const TONES: Readonly<Record<string, string>> = { ok: "ok", missing: "fail", exposed: "fail", unreadable: "fail" };

export class KeyFilesSection {
  /** Null until the core has answered (or when it refused). */
  private files: KeyFileView[] | null = null;
  private refused: Notice | null = null;

  constructor(private readonly staff: Staff) {}

  load(screen: StaffScreen): void {
    void this.staff.run(screen, (ipc) => ipc.keyFiles()).then((outcome) => {
      if (!outcome) return;
      // A refusal drops the list it had: states from before could say "in place" for a file gone.
      this.files = outcome.ok ? outcome.value : null;
      this.refused = outcome.ok ? null : refusalNotice(outcome.error);
      this.staff.refresh(screen);
    });
  }

  render(t: Translate): HTMLElement {
    let body: HTMLElement;
    if (this.refused)
      body = h(
        "p",
        { class: "staff-problem staff-key-files-error", attrs: { "data-key-files-error": true, role: "alert" } },
        t(this.refused.key, this.refused.vars),
      );
    else if (this.files === null) body = loadingLine(t);
    else if (this.files.length === 0)
      body = h("p", { class: "staff-field-note", attrs: { "data-key-files-empty": true } }, t("staff.keyFiles.empty"));
    else body = h("ul", { class: "staff-checks" }, ...this.files.map((f) => row(t, f)));
    return h(
      "section",
      { class: "staff-section", attrs: { "data-section": "key-files", "aria-labelledby": "key-files-title" } },
      h("h2", { class: "staff-section-title", attrs: { id: "key-files-title" } }, t("staff.keyFiles.title")),
      h("p", { class: "lead" }, t("staff.keyFiles.lead")),
      body,
    );
  }
}

function row(t: Translate, file: KeyFileView): HTMLElement {
  const known = file.state in TONES;
  return statusItem(
    t,
    {
      tone: TONES[file.state] ?? "warn",
      status: known ? t(`staff.keyFiles.state.${file.state}` as MessageKey) : file.state,
      id: file.key,
      detail: h("code", { class: "staff-key-file-path" }, file.path),
      action: file.action,
    },
    { "data-key-file": file.key, "data-state": file.state },
  );
}
