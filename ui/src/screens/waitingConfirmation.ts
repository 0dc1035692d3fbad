// Waiting for the patient's answer on WeChat's own screen. In demo mode a simulated WeChat
// screen stands in for it.
import { button, h } from "../dom";
import { cancelButton, page, paragraph } from "./common";
import type { Ctx, Rendered } from "./types";

export function render(ctx: Ctx): Rendered {
  const { t } = ctx;
  const cancel = cancelButton(ctx);
  let panel: HTMLElement | null = null;
  if (ctx.demo) {
    const demoConfirm = button(t("waiting.demoConfirm"), () => ctx.wechatScreen(true), {
      class: "btn btn-wechat btn-wechat-confirm",
      attrs: { "data-wechat": "confirm" },
    });
    const demoCancel = button(t("waiting.demoCancel"), () => ctx.wechatScreen(false), {
      class: "btn btn-wechat btn-wechat-cancel",
      attrs: { "data-wechat": "cancel" },
    });
    panel = h(
      "div",
      {
        class: "demo-panel wechat-screen",
        attrs: { role: "group", "aria-labelledby": "wechat-screen-title", tabindex: -1 },
      },
      h("h2", { class: "demo-panel-title", attrs: { id: "wechat-screen-title" } }, t("waiting.demoTitle")),
      h("p", { class: "wechat-question" }, t("waiting.demoQuestion")),
      h("div", { class: "wechat-buttons" }, demoCancel, demoConfirm),
    );
  }
  const content = page(
    "waitingConfirmation",
    t("waiting.title"),
    [
      h("div", { class: "pointer", attrs: { "aria-hidden": "true" } }, h("span", { class: "pointer-phone" }), h("span", { class: "pointer-arrow" })),
      paragraph(t("waiting.body")),
      panel,
    ],
    [cancel],
  );
  // The simulated screen itself gets the focus, not one of its answers: the kiosk suggests neither
  // (Tab reaches both, in the order shown).
  return { title: t("waiting.title"), content, primary: panel ?? cancel, escape: { type: "cancel" } };
}
