// Failed: plain words for the code, the code itself small for staff (with the technician's
// measurement when the core gives one, e.g. the clock's offset); "try again" when the core
// offers it, and always a way out.
import { h } from "../dom";
import { failureMessage } from "../failures";
import { doneButton, intentButton, page, paragraph } from "./common";
import type { Ctx, Rendered, ScreenOf } from "./types";

export function render(screen: ScreenOf<"failed">, ctx: Ctx): Rendered {
  const { t } = ctx;
  const retry = screen.retry ? intentButton(ctx, { type: "retry" }, t("action.retry")) : null;
  const done = doneButton(ctx, retry ? "secondary" : "primary");
  const content = page(
    "failed",
    t("failed.title"),
    [
      h("p", { class: "lead failure-message" }, t(failureMessage(screen.code))),
      paragraph(t("failed.alternatives"), "note"),
      h(
        "p",
        { class: "staff-line" },
        t("failed.code"),
        h("code", { attrs: { "data-failure-code": true } }, screen.code),
        screen.detail ? h("span", { class: "failure-detail", attrs: { "data-failure-detail": true } }, screen.detail) : null,
      ),
    ],
    [retry, done],
    { tone: "warn" },
  );
  return { title: t("failed.title"), content, primary: retry ?? done, escape: { type: "done" }, result: true };
}
