// Pieces several screens share: the page frame, the intent buttons, the non-face alternatives.
import { button, h, type Child } from "../dom";
import type { Intent } from "../types";
import type { Ctx } from "./types";

type Action = Intent["type"];

/** A button that sends a payload-free intent; `data-action` is the intent type. */
export function intentButton(
  ctx: Ctx,
  intent: Extract<Intent, { type: "start" | "decline" | "cancel" | "extend" | "retry" | "done" }>,
  label: string,
  kind: "primary" | "secondary" | "choice" = "primary",
): HTMLButtonElement {
  return button(label, () => ctx.send(intent), {
    class: `btn btn-${kind}`,
    attrs: { "data-action": intent.type satisfies Action },
  });
}

export const cancelButton = (ctx: Ctx) =>
  intentButton(ctx, { type: "cancel" }, ctx.t("action.cancel"), "secondary");

export const doneButton = (ctx: Ctx, kind: "primary" | "secondary" = "primary") =>
  intentButton(ctx, { type: "done" }, ctx.t("action.done"), kind);

/** The standard page: a heading, the body and a row of actions at the bottom. */
export function page(
  name: string,
  title: string,
  body: Child[],
  actions: Child[],
  opts: { tone?: "calm" | "good" | "warn" } = {},
): HTMLElement {
  return h(
    "section",
    { class: `screen screen-${name} tone-${opts.tone ?? "calm"}` },
    h("h1", { class: "screen-title", attrs: { id: "screen-title" } }, title),
    h("div", { class: "screen-body" }, ...body),
    actions.some(Boolean) ? h("div", { class: "actions" }, ...actions) : null,
  );
}

/** The non-face ways to register: ID card, medical insurance card or code, the staff window. */
export function alternatives(ctx: Ctx): HTMLElement {
  const item = (kind: string, title: string, hint: string) =>
    h(
      "li",
      { class: `alternative alternative-${kind}`, attrs: { "data-alternative": kind } },
      h("span", { class: "alternative-mark", attrs: { "aria-hidden": "true" } }),
      h("span", { class: "alternative-title" }, title),
      h("span", { class: "alternative-hint" }, hint),
    );
  return h(
    "ul",
    { class: "alternatives", attrs: { "data-alternatives": true } },
    item("idCard", ctx.t("refusal.idCard"), ctx.t("refusal.idCardHint")),
    item("insurance", ctx.t("refusal.insurance"), ctx.t("refusal.insuranceHint")),
    item("staff", ctx.t("refusal.staff"), ctx.t("refusal.staffHint")),
  );
}

export const paragraph = (text: string, cls = "lead") => h("p", { class: cls }, text);
