// Face scan: look at the WeChat face terminal. In demo mode a persona picker stands in for a face.
import { button, h } from "../dom";
import { cancelButton, page, paragraph } from "./common";
import type { Ctx, Rendered } from "./types";

export function render(ctx: Ctx): Rendered {
  const { t } = ctx;
  const cancel = cancelButton(ctx);
  const personas = ctx.demo
    ? ctx.personas.map((p) =>
        button(p.label, () => ctx.presentFace(p.id), { class: "btn btn-persona", attrs: { "data-persona": p.id } }),
      )
    : [];
  const picker =
    ctx.demo &&
    h(
      "div",
      { class: "demo-panel", attrs: { role: "group", "aria-labelledby": "demo-personas-title" } },
      h("h2", { class: "demo-panel-title", attrs: { id: "demo-personas-title" } }, t("faceScan.demoTitle")),
      h("div", { class: "personas" }, ...personas),
    );
  const content = page(
    "faceScan",
    t("faceScan.title"),
    [
      // In the demo the picker takes the room the illustration would.
      !ctx.demo && h("div", { class: "pointer", attrs: { "aria-hidden": "true" } }, h("span", { class: "pointer-face" }), h("span", { class: "pointer-arrow" })),
      paragraph(t("faceScan.body")),
      picker,
    ],
    [cancel],
  );
  return { title: t("faceScan.title"), content, primary: personas[0] ?? cancel, escape: { type: "cancel" } };
}
