// Out of service: staff took the kiosk out of service. Their message, large in the screen's
// language and smaller in the other, in place of the start screen (and the staff corner, to
// bring it back).
import { h } from "../dom";
import { otherLanguage } from "../i18n";
import { staffCorner } from "../staff/corner";
import type { SuspensionView } from "../types";
import { page } from "./common";
import type { Ctx, Rendered } from "./types";

export function render(suspension: SuspensionView, ctx: Ctx): Rendered {
  const { t } = ctx;
  const inLanguage = (language: string) => (language === "en" ? suspension.en : suspension.zhCn);
  const other = otherLanguage(t.language);
  const title = inLanguage(t.language);
  const content = page(
    "suspended",
    title,
    [h("p", { class: "lead suspended-other", attrs: { lang: other, "data-suspension-other": true } }, inLanguage(other))],
    [],
    { tone: "warn" },
  );
  content.append(staffCorner(t, ctx.staffTap));
  return { title, content, primary: null, escape: null };
}
