// Welcome back: already registered, nothing to fetch.
import { h } from "../dom";
import { doneButton, page, paragraph } from "./common";
import type { Ctx, Rendered, ScreenOf } from "./types";

export function render(screen: ScreenOf<"welcomeBack">, ctx: Ctx): Rendered {
  const { t } = ctx;
  const done = doneButton(ctx);
  const content = page(
    "welcomeBack",
    t("welcomeBack.title"),
    [
      h("div", { class: "badge badge-good", attrs: { "aria-hidden": "true" } }),
      paragraph(t("welcomeBack.body")),
      h(
        "dl",
        { class: "details" },
        h("div", { class: "detail" }, h("dt", {}, t("welcomeBack.patientRef")), h("dd", { attrs: { "data-patient-ref": true } }, screen.patientRef)),
      ),
      h("p", { class: "next-step" }, t("welcomeBack.next")),
    ],
    [done],
    { tone: "good" },
  );
  return { title: t("welcomeBack.title"), content, primary: done, escape: { type: "done" }, result: true };
}
