// Preparing: the face terminal is being readied.
import { h } from "../dom";
import { cancelButton, page, paragraph } from "./common";
import type { Ctx, Rendered } from "./types";

export function render(ctx: Ctx): Rendered {
  const { t } = ctx;
  const cancel = cancelButton(ctx);
  const content = page(
    "preparing",
    t("preparing.title"),
    [h("div", { class: "spinner", attrs: { "aria-hidden": "true" } }), paragraph(t("preparing.body"))],
    [cancel],
  );
  return { title: t("preparing.title"), content, primary: cancel, escape: { type: "cancel" } };
}
