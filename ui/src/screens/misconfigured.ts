// Misconfigured: the kiosk cannot serve; send the patient to staff and show staff what is wrong.
import { h } from "../dom";
import { staffCorner } from "../staff/corner";
import { page, paragraph } from "./common";
import type { Ctx, Rendered } from "./types";

export function render(problems: readonly string[], ctx: Ctx): Rendered {
  const { t } = ctx;
  const content = page(
    "misconfigured",
    t("misconfigured.title"),
    [
      paragraph(t("misconfigured.body")),
      h(
        "div",
        { class: "staff-panel" },
        h("h2", {}, t("misconfigured.problems")),
        h("ul", { class: "problems" }, ...problems.map((p) => h("li", { attrs: { "data-problem": true } }, p))),
        ctx.info ? h("p", { class: "version" }, t("idle.version", { version: ctx.info.version })) : null,
      ),
    ],
    [],
    { tone: "warn" },
  );
  content.append(staffCorner(t, ctx.staffTap));
  return { title: t("misconfigured.title"), content, primary: null, escape: null };
}
