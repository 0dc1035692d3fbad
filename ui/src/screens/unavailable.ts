// Unavailable: the core could not be reached at start-up (the shell's commands failed).
import { h } from "../dom";
import type { RefusalCode } from "../ipc";
import { page, paragraph } from "./common";
import type { Ctx, Rendered } from "./types";

export function render(code: RefusalCode, ctx: Ctx): Rendered {
  const { t } = ctx;
  const content = page(
    "unavailable",
    t("unavailable.title"),
    [
      paragraph(t("unavailable.body")),
      h("p", { class: "staff-line" }, t("failed.code"), h("code", { attrs: { "data-failure-code": true } }, code)),
    ],
    [],
    { tone: "warn" },
  );
  return { title: t("unavailable.title"), content, primary: null, escape: null };
}
