// Out of service: the message patients will see, in both languages, prefilled; or, when the
// kiosk is out of service already, that message and the way back into service.
import { h } from "../dom";
import type { Translate } from "../i18n";
import { refusalNotice, staffButton, staffPage } from "./frame";
import type { Notice, Staff, StaffScreen } from "./types";

/** The message staff start from; patients' words, so not in the UI's dictionaries. */
export const DEFAULT_MESSAGE = {
  zhCn: "本机暂停服务，请到人工窗口办理。",
  en: "This kiosk is out of service. Please register at the window.",
} as const;

/** An RFC 3339 time as this kiosk's local time, in the screen's language. */
export const localTime = (t: Translate, at: string): string => {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? at : date.toLocaleString(t.language);
};

export function suspendScreen(staff: Staff): StaffScreen {
  const draft: { zhCn: string; en: string } = { ...DEFAULT_MESSAGE };
  let notice: Notice | null = null;
  let busy = false;

  const act = async (what: "suspend" | "resume") => {
    if (busy) return;
    if (what === "suspend" && (draft.zhCn.trim() === "" || draft.en.trim() === "")) {
      notice = { kind: "error", key: "staff.suspend.empty" };
      return staff.refresh(screen);
    }
    busy = true;
    const outcome = await staff.run<unknown>(screen, (ipc) =>
      what === "suspend" ? ipc.suspend(draft.zhCn.trim(), draft.en.trim()) : ipc.resume(),
    );
    busy = false;
    if (!outcome) return;
    if (!outcome.ok) {
      notice = refusalNotice(outcome.error);
      return staff.refresh(screen);
    }
    await staff.infoChanged();
    staff.home(
      what === "suspend"
        ? { kind: "suspended", key: "staff.home.suspended" }
        : { kind: "resumed", key: "staff.home.resumed" },
    );
  };

  const textarea = (t: Translate, field: "zh_cn" | "en", lang: string) => {
    const key = field === "zh_cn" ? "zhCn" : "en";
    const el = h("textarea", {
      class: "staff-input staff-textarea",
      attrs: { id: `suspend-${field}`, "data-field": field, lang, rows: 3, maxlength: 200 },
    });
    el.value = draft[key];
    el.addEventListener("input", () => (draft[key] = el.value));
    return h(
      "div",
      { class: "staff-field" },
      h("label", { class: "staff-field-key", attrs: { for: `suspend-${field}` } }, t(field === "zh_cn" ? "staff.suspend.zhCn" : "staff.suspend.en")),
      el,
    );
  };

  const screen: StaffScreen = {
    name: "staffSuspend",
    render(t) {
      const current = staff.suspension();
      let body: HTMLElement[];
      let action: HTMLButtonElement;
      if (current) {
        body = [
          h(
            "div",
            { class: "staff-panel", attrs: { "data-suspension": true } },
            h("p", { class: "lead", attrs: { lang: "zh-CN" } }, current.zhCn),
            h("p", { class: "lead", attrs: { lang: "en" } }, current.en),
            h("p", { class: "note" }, t("staff.suspend.current", { since: localTime(t, current.since), by: current.by })),
          ),
        ];
        action = staffButton(t("staff.suspend.resume"), () => void act("resume"), "primary", { "data-action": "resume" });
      } else {
        body = [h("p", { class: "lead" }, t("staff.suspend.lead")), textarea(t, "zh_cn", "zh-CN"), textarea(t, "en", "en")];
        action = staffButton(t("staff.suspend.suspend"), () => void act("suspend"), "primary", { "data-action": "suspend" });
      }
      const content = staffPage(staff, t, "staffSuspend", t("staff.suspend.title"), body, { notice, actions: [action] });
      return { title: t("staff.suspend.title"), content, primary: action, escape: null };
    },
  };
  return screen;
}
