// The frame every staff screen shares: a "staff mode" badge and the title, the message line,
// the body, its actions, and the way home and out.
import { button, h, type Child } from "../dom";
import type { Translate } from "../i18n";
import type { Refusal, StaffIpc } from "../ipc";
import type { Notice, Staff, StaffScreen, StaffScreenName } from "./types";

export interface FrameOptions {
  /** The message line's notice (the line is there, empty, without one: it is a live region). */
  notice?: Notice | null;
  actions?: Child[];
  /** The staff home has its own menu, so no "back to the menu" there. */
  noHome?: boolean;
}

export function staffPage(
  staff: Staff,
  t: Translate,
  name: StaffScreenName,
  title: string,
  body: Child[],
  opts: FrameOptions = {},
): HTMLElement {
  const nav = opts.noHome
    ? null
    : h(
        "nav",
        { class: "staff-nav" },
        staffButton(t("staff.nav.home"), () => staff.home(), "secondary", { "data-action": "home" }),
        leaveButton(staff, t),
      );
  return h(
    "section",
    { class: `screen staff-screen screen-${name}` },
    h("p", { class: "staff-badge" }, t("staff.badge")),
    h("h1", { class: "screen-title", attrs: { id: "screen-title" } }, title),
    noticeLine(t, opts.notice ?? null),
    h("div", { class: "screen-body staff-body" }, ...body),
    opts.actions?.some(Boolean) ? h("div", { class: "actions" }, ...opts.actions) : null,
    nav,
  );
}

export const leaveButton = (staff: Staff, t: Translate) =>
  staffButton(t("staff.nav.leave"), () => staff.leave(), "secondary", { "data-staff-nav": "leave" });

export function staffButton(
  label: string,
  onClick: () => void,
  kind: "primary" | "secondary" = "primary",
  attrs: Record<string, string | boolean> = {},
): HTMLButtonElement {
  return button(label, onClick, { class: `btn btn-${kind} btn-staff`, attrs });
}

/** `[data-staff-message]`: polite live region, so a result is read out where it appears. */
export function noticeLine(t: Translate, notice: Notice | null): HTMLElement {
  return h(
    "p",
    {
      class: "staff-message",
      attrs: { "data-staff-message": true, "data-kind": notice?.kind ?? null, role: "status", "aria-live": "polite" },
    },
    notice ? t(notice.key, notice.vars) : "",
  );
}

/** Replaces a message line's notice in place (no re-render: the fields keep what was typed). */
export function setNotice(line: HTMLElement, t: Translate, notice: Notice | null): void {
  if (notice) line.dataset.kind = notice.kind;
  else delete line.dataset.kind;
  line.textContent = notice ? t(notice.key, notice.vars) : "";
}

/** A refusal as staff read it: the core's message where it is written for them (it names a
 *  file or a field, never a patient), the code otherwise. */
export function refusalNotice(error: Refusal): Notice {
  const code = error.code;
  if (code === "STAFF_FORBIDDEN") return { kind: "error", key: "staff.forbidden" };
  if ((code === "STAFF_ACTION_FAILED" || code === "SETTINGS_INVALID") && error.message)
    return { kind: "error", key: "staff.error", vars: { message: error.message } };
  return { kind: "error", key: "staff.errorCode", vars: { code } };
}

/** Loads what `screen` shows when it is shown: `got` gets the answer, or the refusal as a notice. */
export function load<T>(
  staff: Staff,
  screen: StaffScreen,
  fn: (ipc: StaffIpc) => Promise<T>,
  got: (value: T | null, notice: Notice | null) => void,
): void {
  void staff.run(screen, fn).then((outcome) => {
    if (!outcome) return;
    if (outcome.ok) got(outcome.value, null);
    else got(null, refusalNotice(outcome.error));
    staff.refresh(screen);
  });
}

/** One line of a status list (a diagnostics check, a key file): the status in words, coloured
 *  by `tone` (`.status-ok|warn|fail`), what it is about, the detail, and what to do if anything. */
export function statusItem(
  t: Translate,
  item: { tone: string; status: string; id: string; detail: Child; action: string | null },
  attrs: Record<string, string>,
): HTMLElement {
  return h(
    "li",
    { class: `staff-check status-${item.tone}`, attrs },
    h("span", { class: "staff-status" }, item.status),
    h("code", { class: "staff-check-id" }, item.id),
    h("span", { class: "staff-check-detail" }, item.detail),
    item.action
      ? h("span", { class: "staff-check-action" }, h("strong", {}, t("staff.diagnostics.action")), " ", item.action)
      : null,
  );
}

/** A "loading…" paragraph for a screen still waiting for its first answer. */
export const loadingLine = (t: Translate) =>
  h("p", { class: "lead staff-loading", attrs: { "data-staff-loading": true } }, t("staff.loading"));
