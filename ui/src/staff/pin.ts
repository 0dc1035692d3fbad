// The PIN pad. The digits live in one string that is emptied as soon as a try is sent (and on
// clear, cancel and leaving); only dots are shown. A locked entry counts down with the pad off.
import { button, h } from "../dom";
import type { Translate } from "../i18n";
import { noticeLine, refusalNotice, setNotice, staffButton } from "./frame";
import type { Notice, Staff, StaffScreen } from "./types";

const MAX_DIGITS = 12;

export function pinScreen(staff: Staff): StaffScreen {
  let pin = "";
  let notice: Notice | null = null;
  let lockedUntil = 0;
  let sending = false;
  let ticker: ReturnType<typeof setInterval> | null = null;
  // The elements of the latest render, updated in place (a re-render would move the focus).
  let dots: HTMLElement | null = null;
  let line: HTMLElement | null = null;
  let pad: HTMLButtonElement[] = [];
  let t: Translate | null = null;

  const secondsLeft = () => Math.max(0, Math.ceil((lockedUntil - Date.now()) / 1000));
  const locked = () => secondsLeft() > 0;

  const update = () => {
    if (!t || !dots || !line) return;
    dots.replaceChildren(...Array.from(pin, () => h("span", { class: "pin-dot" })));
    dots.setAttribute("aria-label", t("staff.pin.dots", { count: pin.length }));
    if (notice?.kind === "locked") notice = { ...notice, vars: { seconds: secondsLeft() } };
    setNotice(line, t, notice);
    for (const b of pad) b.disabled = locked() || sending;
  };

  const stopTicker = () => {
    if (ticker !== null) clearInterval(ticker);
    ticker = null;
  };

  const lock = (secs: number) => {
    lockedUntil = Date.now() + secs * 1000;
    notice = { kind: "locked", key: "staff.pin.locked", vars: { seconds: secs } };
    stopTicker();
    ticker = setInterval(() => {
      if (!locked()) {
        stopTicker();
        notice = null;
      }
      update();
    }, 1000);
  };

  const digit = (d: string) => {
    if (locked() || sending || pin.length >= MAX_DIGITS) return;
    pin += d;
    if (notice?.kind === "refused") notice = null;
    update();
  };
  const clear = () => {
    pin = "";
    update();
  };
  const cancel = () => {
    pin = "";
    staff.cancel();
  };

  const enter = async () => {
    if (locked() || sending || pin === "") return;
    const attempt = pin;
    pin = "";
    sending = true;
    update();
    const outcome = await staff.run(screen, (ipc) => ipc.enter(attempt));
    sending = false;
    if (!outcome) return;
    if (outcome.ok) {
      const entry = outcome.value;
      if (entry.outcome === "granted") return staff.granted({ account: entry.account, role: entry.role });
      if (entry.outcome === "refused") notice = { kind: "refused", key: "staff.pin.refused" };
      else lock(entry.remainingSecs);
    } else if (outcome.error.code === "PATIENT_SESSION_ACTIVE") {
      notice = { kind: "busy", key: "staff.pin.busy" };
    } else {
      notice = refusalNotice(outcome.error);
    }
    update();
  };

  const screen: StaffScreen = {
    name: "staffPin",
    render(translate) {
      t = translate;
      dots = h("div", { class: "pin-dots", attrs: { "data-pin-dots": true, role: "img", tabindex: -1 } });
      line = noticeLine(translate, null);
      const key = (d: string) =>
        button(d, () => digit(d), { class: "btn btn-secondary pin-key", attrs: { "data-digit": d } });
      const clearKey = button(translate("staff.pin.clear"), clear, {
        class: "btn btn-secondary pin-key pin-key-word",
        attrs: { "data-action": "clear" },
      });
      const enterKey = button(translate("staff.pin.enter"), () => void enter(), {
        class: "btn btn-primary pin-key pin-key-word",
        attrs: { "data-action": "enter" },
      });
      const digits = ["1", "2", "3", "4", "5", "6", "7", "8", "9"].map(key);
      pad = [...digits, clearKey, key("0"), enterKey];
      update();
      const content = h(
        "section",
        { class: "screen staff-screen screen-staffPin" },
        h("p", { class: "staff-badge" }, translate("staff.badge")),
        h("h1", { class: "screen-title", attrs: { id: "screen-title" } }, translate("staff.pin.title")),
        dots,
        line,
        h("div", { class: "pin-pad" }, ...pad),
        h(
          "div",
          { class: "actions" },
          staffButton(translate("staff.pin.cancel"), cancel, "secondary", { "data-action": "cancel" }),
        ),
      );
      // The dots take the focus, not a digit: Enter on the keyboard then sends the PIN.
      return { title: translate("staff.pin.title"), content, primary: dots, escape: null };
    },
    key(event) {
      if (event.ctrlKey || event.altKey || event.metaKey) return false;
      if (/^[0-9]$/.test(event.key)) digit(event.key);
      else if (event.key === "Backspace") {
        pin = pin.slice(0, -1);
        update();
      } else if (event.key === "Enter") void enter();
      else if (event.key === "Escape") cancel();
      else return false;
      return true;
    },
    stop() {
      stopTicker();
      pin = "";
    },
  };
  return screen;
}
