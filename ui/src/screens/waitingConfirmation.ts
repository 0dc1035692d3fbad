// Waiting for the patient's answer on WeChat's own screen. In demo mode a simulated WeChat
// screen stands in for it.
import { button, h } from "../dom";
import { cancelButton, page, paragraph } from "./common";
import type { Ctx, Rendered } from "./types";

export function render(ctx: Ctx): Rendered {
  const { t } = ctx;
  const cancel = cancelButton(ctx);
  let demoConfirm: HTMLButtonElement | null = null;
  let panel: HTMLElement | null = null;
  if (ctx.demo) {
    demoConfirm = button(t("waiting.demoConfirm"), () => ctx.wechatScreen(true), {
      class: "btn btn-wechat btn-wechat-confirm",
      attrs: { "data-wechat": "confirm" },
    });
    const demoCancel = button(t("waiting.demoCancel"), () => ctx.wechatScreen(false), {
      class: "btn btn-wechat btn-wechat-cancel",
      attrs: { "data-wechat": "cancel" },
    });
    panel = h(
      "div",
      { class: "demo-panel wechat-screen", attrs: { role: "group", "aria-labelledby": "wechat-screen-title" } },
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
  return { title: t("waiting.title"), content, primary: demoConfirm ?? cancel, escape: { type: "cancel" } };
}
