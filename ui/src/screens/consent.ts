// Consent: our own notice, scrollable, and two answers of exactly equal standing.
import { button, h } from "../dom";
import type { ConsentDocument } from "../types";
import { cancelButton, intentButton, page, paragraph } from "./common";
import type { Ctx, Rendered, ScreenOf } from "./types";

function documentView(doc: ConsentDocument): HTMLElement {
  return h(
    "div",
    {
      class: "consent-doc",
      attrs: { tabindex: 0, role: "region", "aria-labelledby": "screen-title", lang: doc.language, "data-consent-version": doc.version },
    },
    ...doc.sections.map((section) =>
      h(
        "section",
        { class: "consent-section" },
        section.heading ? h("h2", {}, section.heading) : null,
        ...section.body
          .split(/\n\s*\n/)
          .filter((p) => p.trim() !== "")
          .map((p) => h("p", {}, p)),
      ),
    ),
  );
}

export function render(screen: ScreenOf<"consent">, ctx: Ctx): Rendered {
  const { t } = ctx;
  const doc = screen.consent;
  const agree = button(t("consent.agree"), () => ctx.send({ type: "agree", consentSha256: doc.sha256 }), {
    class: "btn btn-choice",
    attrs: { "data-action": "agree" },
  });
  const decline = intentButton(ctx, { type: "decline" }, t("consent.decline"), "choice");
  const scroller = documentView(doc);
  const content = page(
    "consent",
    doc.title,
    [
      h("p", { class: "consent-heading" }, t("consent.heading"), h("span", { class: "hint" }, t("consent.readHint"))),
      scroller,
      h("p", { class: "consent-version" }, t("consent.version", { version: doc.version })),
    ],
    [
      h("div", { class: "choices" }, agree, decline),
      paragraph(t("consent.choiceNote"), "note"),
      cancelButton(ctx),
    ],
  );
  // The notice itself gets the focus: neither answer is suggested by the keyboard.
  return { title: doc.title, content, primary: scroller, escape: { type: "cancel" } };
}
