// Loading: before the core's first answer (normally a few milliseconds).
import { h } from "../dom";
import type { Ctx, Rendered } from "./types";

export function render(ctx: Ctx): Rendered {
  const title = ctx.t("app.loading");
  const content = h("section", { class: "screen screen-loading" }, h("div", { class: "spinner", attrs: { "aria-hidden": "true" } }), h("p", { class: "lead" }, title));
  return { title, content, primary: null, escape: null };
}
