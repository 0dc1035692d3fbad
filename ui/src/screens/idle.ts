// Idle: the big "start", what will happen, that a card works just as well; elder mode; the face
// terminal's state (in words a patient may read too) and the version.
import { button, h } from "../dom";
import { staffCorner } from "../staff/corner";
import { terminalStatusElement } from "../terminal";
import { intentButton, page, paragraph } from "./common";
import type { Ctx, Rendered } from "./types";

export function render(ctx: Ctx): Rendered {
  const { t } = ctx;
  const start = intentButton(ctx, { type: "start" }, t("idle.start"));
  start.classList.add("btn-hero");
  // The label starts with the visible words (one says what one sees to voice control); on/off is
  // aria-pressed.
  const elder = button(
    [t("elder.switch"), h("span", { class: "switch-state" }, ctx.elder ? t("elder.on") : t("elder.off"))],
    () => ctx.send({ type: "setElder", elder: !ctx.elder }),
    {
      class: "btn btn-secondary btn-toggle",
      attrs: {
        "data-action": "elder",
        "aria-pressed": String(ctx.elder),
        "aria-label": t("elder.switchLabel", { label: t("elder.switch") }),
      },
    },
  );
  const steps = h(
    "ol",
    { class: "steps" },
    ...(["idle.step1", "idle.step2", "idle.step3"] as const).map((key) =>
      h("li", { class: "step" }, h("span", { class: "step-text" }, t(key))),
    ),
  );
  const content = page(
    "idle",
    t("idle.title"),
    [paragraph(t("idle.lead")), steps, start, paragraph(t("idle.alternatives"), "note")],
    [elder],
  );
  content.append(
    h(
      "footer",
      { class: "staff-line" },
      terminalStatusElement(t, ctx.terminal),
      ctx.info ? h("span", { class: "version" }, t("idle.version", { version: ctx.info.version })) : null,
    ),
    staffCorner(t, ctx.staffTap),
  );
  return { title: t("idle.title"), content, primary: start, escape: null };
}
