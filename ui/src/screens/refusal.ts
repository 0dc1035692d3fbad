// Refusal: no face, no pressure, no second ask; the non-face ways, and "done".
import { alternatives, doneButton, page, paragraph } from "./common";
import type { Ctx, Rendered, ScreenOf } from "./types";

export function render(screen: ScreenOf<"refusal">, ctx: Ctx): Rendered {
  const { t } = ctx;
  const title = t(`refusal.${screen.reason}.title`);
  const done = doneButton(ctx);
  const content = page("refusal", title, [paragraph(t("refusal.body")), alternatives(ctx)], [done]);
  content.dataset.reason = screen.reason;
  return { title, content, primary: done, escape: { type: "done" }, result: true };
}
