// Success: the masked identity and what to do next.
import { h } from "../dom";
import { doneButton, page, paragraph } from "./common";
import type { Ctx, Rendered, ScreenOf } from "./types";

export function render(screen: ScreenOf<"success">, ctx: Ctx): Rendered {
  const { t } = ctx;
  const done = doneButton(ctx);
  const row = (label: string, value: string, hook: string) =>
    h("div", { class: "detail" }, h("dt", {}, label), h("dd", { attrs: { [hook]: true } }, value));
  const content = page(
    "success",
    t("success.title"),
    [
      h("div", { class: "badge badge-good", attrs: { "aria-hidden": "true" } }),
      h(
        "dl",
        { class: "details" },
        row(t("success.name"), screen.maskedName, "data-masked-name"),
        row(
          t("success.credential", { kind: t(`credential.${screen.credentialType}`) }),
          screen.maskedCredential,
          "data-masked-credential",
        ),
        row(t("success.patientRef"), screen.patientRef, "data-patient-ref"),
      ),
      paragraph(t("success.masked"), "note"),
      h("p", { class: "next-step" }, t("success.next")),
    ],
    [done],
    { tone: "good" },
  );
  return { title: t("success.title"), content, primary: done, escape: { type: "done" }, result: true };
}
