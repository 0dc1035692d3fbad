import { describe, expect, it } from "vitest";
import { dictionaries, otherLanguage } from "../src/i18n";
import type { FailureCode, LinkState, RefusalReason } from "../src/types";
import { INFO, LANGUAGES, SCREEN_NAMES, SCREENS, click, flush, mount, screen, view } from "./fixtures";

const IN_SESSION = ["consent", "preparing", "faceScan", "waitingConfirmation"] as const;
const INTENT_ACTIONS = ["start", "agree", "decline", "cancel", "extend", "retry", "done"];

describe.each(LANGUAGES)("every screen in %s", (language) => {
  const dict = dictionaries[language];

  it.each(SCREEN_NAMES)("%s: marks #app, the document language and announces the title", async (name) => {
    const m = await mount((ipc) => (ipc.current = view(SCREENS[name](language), { language })));
    expect(m.root.dataset.screen).toBe(name);
    expect(document.documentElement.lang).toBe(language);
    const title = m.$("h1")?.textContent ?? "";
    expect(title).not.toBe("");
    expect(m.announcer.textContent).toBe(title);
    // The language switch is on every screen and asks for the other language.
    expect(m.$$("button[data-action='language']")).toHaveLength(1);
    const lang = m.$("button[data-action='language']")!;
    // Its name is its content (no aria-label), each part marked with the language it is in:
    // the visible name in the other language, what it does (not shown) in this one.
    expect(lang.hasAttribute("aria-label")).toBe(false);
    const [shown, hint] = Array.from(lang.children) as HTMLElement[];
    expect(shown?.textContent).toBe(dict["lang.switch"]);
    expect(shown?.closest("[lang]")?.getAttribute("lang")).toBe(otherLanguage(language));
    expect(hint?.classList.contains("visually-hidden")).toBe(true);
    expect(hint?.textContent?.trim()).toBe(dict["lang.switchHint"]);
    expect(hint?.closest("[lang]")?.getAttribute("lang")).toBe(language);
    // Every intent button is a real button; nothing shows an untranslated placeholder.
    for (const b of m.$$("[data-action]")) expect(b.tagName).toBe("BUTTON");
    expect(m.root.textContent).not.toMatch(/\{\w+\}/);
    // The primary action (or the consent text) has the focus.
    expect(document.activeElement).not.toBe(document.body);
    expect(m.root.contains(document.activeElement)).toBe(true);
  });

  it.each(IN_SESSION)("%s: offers cancel", async (name) => {
    const m = await mount((ipc) => (ipc.current = view(SCREENS[name](language), { language })));
    const cancel = m.$("button[data-action='cancel']");
    expect(cancel?.textContent).toBe(dict["action.cancel"]);
    click(cancel);
    expect(m.ipc.intents()).toEqual([{ type: "cancel" }]);
  });

  it("idle: the terminal status known at start shows before any event", async () => {
    const m = await mount((ipc) => (ipc.current = view(SCREENS.idle(), { language })));
    expect(m.$("[data-terminal-status]")?.textContent).toBe(dict["idle.terminal"].replace("{state}", dict["terminal.connected"]));
  });

  it("idle: the technician's detail is kept off the screen, in data attributes only", async () => {
    const detail = "connected to bridge 0.1.0 on SIM-TERMINAL-1 (face SDK 2.32.105) at 127.0.0.1:41557";
    const m = await mount((ipc) => {
      ipc.current = view(SCREENS.idle(), { language });
      ipc.info = { ...INFO.production, terminal: { state: "connected", detail } };
    });
    const line = m.$("[data-terminal-status]")!;
    expect(line.dataset.terminalState).toBe("connected");
    expect(line.dataset.terminalDetail).toBe(detail);
    for (const secret of ["SIM-TERMINAL-1", "127.0.0.1", "SDK", "bridge"]) expect(m.root.textContent).not.toContain(secret);
    expect(line.hasAttribute("title")).toBe(false); // a tooltip would be read out, in English
    if (language === "zh-CN") expect(line.textContent).not.toMatch(/[A-Za-z]/);
    // A later status moves both along; without a detail the attribute goes.
    m.ipc.emitStatus({ state: "noBridge", detail: null });
    expect(line.dataset.terminalState).toBe("noBridge");
    expect(line.hasAttribute("data-terminal-detail")).toBe(false);
    expect(line.textContent).toBe(dict["idle.terminalProblem"].replace("{state}", dict["terminal.noBridge"]));
  });

  it("idle: start, elder switch, terminal status for staff", async () => {
    const m = await mount((ipc) => {
      ipc.current = view(SCREENS.idle(), { language });
      ipc.info = { ...INFO.production, terminal: null };
    });
    expect(m.$("button[data-action='start']")?.textContent).toBe(dict["idle.start"]);
    expect(document.activeElement).toBe(m.$("button[data-action='start']"));
    const elder = m.$("button[data-action='elder']");
    expect(elder?.getAttribute("aria-pressed")).toBe("false");
    // Label in name (WCAG 2.5.3): the accessible name starts with the words on the button.
    expect(elder?.getAttribute("aria-label")?.startsWith(dict["elder.switch"])).toBe(true);
    expect(elder?.textContent?.startsWith(dict["elder.switch"])).toBe(true);
    expect(m.root.textContent).toContain(dict["idle.alternatives"]);
    expect(m.$("[data-terminal-status]")?.textContent).toContain(dict["terminal.unknown"]);
    m.ipc.emitStatus({ state: "connected", detail: null });
    expect(m.$("[data-terminal-status]")?.textContent).toContain(dict["terminal.connected"]);
    // A state this build has no words for: not shown raw, and not taken for "connected".
    m.ipc.emitStatus({ state: "somethingNew" as LinkState, detail: "adb: 2 devices" });
    expect(m.$("[data-terminal-status]")?.textContent).toBe(dict["idle.terminalProblem"].replace("{state}", dict["terminal.other"]));
    expect(m.$("[data-terminal-status]")?.dataset.terminalState).toBe("somethingNew");
    click(m.$("button[data-action='start']"));
    click(elder);
    expect(m.ipc.intents()).toEqual([{ type: "start" }, { type: "setElder", elder: true }]);
  });

  it("consent: agree and decline equally prominent; agree carries the document's hash", async () => {
    const screen = SCREENS.consent(language);
    const m = await mount((ipc) => (ipc.current = view(screen, { language })));
    const agree = m.$<HTMLButtonElement>("button[data-action='agree']")!;
    const decline = m.$<HTMLButtonElement>("button[data-action='decline']")!;
    expect(agree.textContent).toBe(dict["consent.agree"]);
    expect(decline.textContent).toBe(dict["consent.decline"]);
    expect(agree.className).toBe(decline.className);
    expect(agree.parentElement).toBe(decline.parentElement);
    // Neither answer is pre-selected: the notice has the focus.
    expect(document.activeElement?.classList.contains("consent-doc")).toBe(true);
    expect(m.$("h1")?.textContent).toBe(screen.consent.title);
    const text = m.$(".consent-doc")?.textContent ?? "";
    for (const s of screen.consent.sections) expect(text).toContain(s.heading);
    expect(m.$$(".consent-doc p").length).toBeGreaterThanOrEqual(3); // paragraphs split on blank lines
    click(agree);
    click(decline);
    expect(m.ipc.intents()).toEqual([
      { type: "agree", consentSha256: screen.consent.sha256 },
      { type: "decline" },
    ]);
  });

  it("faceScan and waitingConfirmation tell the patient where to look", async () => {
    let m = await mount((ipc) => (ipc.current = view(SCREENS.faceScan(), { language })));
    expect(m.$("h1")?.textContent).toBe(dict["faceScan.title"]);
    expect(m.$$("button[data-persona]")).toHaveLength(0); // production: no stand-in
    m = await mount((ipc) => (ipc.current = view(SCREENS.waitingConfirmation(), { language })));
    expect(m.$("h1")?.textContent).toBe(dict["waiting.title"]);
    expect(m.$$("button[data-wechat]")).toHaveLength(0);
  });

  it("success: masked name, masked credential with its kind, patient ref, next step, done", async () => {
    const m = await mount((ipc) => (ipc.current = view(SCREENS.success(), { language })));
    expect(m.$("[data-masked-name]")?.textContent).toBe("*小明");
    expect(m.$("[data-masked-credential]")?.textContent).toBe("1101**********1234");
    expect(m.$("[data-patient-ref]")?.textContent).toBe("P-000123");
    expect(m.root.textContent).toContain(dict["credential.residentId"]);
    expect(m.root.textContent).toContain(dict["success.next"]);
    expect(document.activeElement).toBe(m.$("button[data-action='done']"));
  });

  it("welcomeBack: patient ref, its own next step, done", async () => {
    const m = await mount((ipc) => (ipc.current = view(SCREENS.welcomeBack(), { language })));
    expect(m.$("[data-patient-ref]")?.textContent).toBe("P-000042");
    expect(m.$(".detail dt")?.textContent).toBe(dict["welcomeBack.patientRef"]);
    expect(m.$(".next-step")?.textContent).toBe(dict["welcomeBack.next"]);
    expect(m.$("[data-masked-name]")).toBeNull();
    click(m.$("button[data-action='done']"));
    expect(m.ipc.intents()).toEqual([{ type: "done" }]);
  });

  it.each<RefusalReason>(["declinedConsent", "cancelledFaceScan", "cancelledAtWechat"])(
    "refusal (%s): the alternatives, no second ask, done",
    async (reason) => {
      const m = await mount((ipc) => (ipc.current = view({ name: "refusal", reason }, { language })));
      expect(m.$("h1")?.textContent).toBe(dict[`refusal.${reason}.title`]);
      const alternatives = m.$$("[data-alternative]").map((li) => li.getAttribute("data-alternative"));
      expect(alternatives).toEqual(["idCard", "insurance", "staff"]);
      expect(m.root.textContent).toContain(dict["refusal.insurance"]);
      expect(m.root.textContent).toContain(dict["refusal.staff"]);
      // No way back into the face flow from here.
      for (const action of ["agree", "start", "retry", "decline"]) expect(m.$(`[data-action='${action}']`)).toBeNull();
      expect(m.$$("[data-action]").map((b) => b.dataset.action).sort()).toEqual(["done", "language"]);
      expect(document.activeElement).toBe(m.$("button[data-action='done']"));
    },
  );

  it("failed with retry: plain words, the code small, try again first, done as well", async () => {
    const m = await mount((ipc) => (ipc.current = view(SCREENS.failed(), { language })));
    expect(m.$("[data-failure-code]")?.textContent).toBe("FACE_SCAN_TIMEOUT");
    expect(m.$(".failure-message")?.textContent).toBe(dict["failure.faceScanTimeout"]);
    expect(document.activeElement).toBe(m.$("button[data-action='retry']"));
    click(m.$("button[data-action='retry']"));
    click(m.$("button[data-action='done']"));
    expect(m.ipc.intents()).toEqual([{ type: "retry" }, { type: "done" }]);
  });

  it("failed without retry, unknown code: the generic words and only done", async () => {
    const m = await mount(
      (ipc) =>
        (ipc.current = view({ name: "failed", code: "BRAND_NEW_CODE" as FailureCode, retry: false, detail: null }, { language })),
    );
    expect(m.$("[data-failure-code]")?.textContent).toBe("BRAND_NEW_CODE");
    expect(m.$("[data-failure-detail]")).toBeNull();
    expect(m.$(".failure-message")?.textContent).toBe(dict["failure.generic"]);
    expect(m.$("button[data-action='retry']")).toBeNull();
    expect(document.activeElement).toBe(m.$("button[data-action='done']"));
  });

  it("failed with the technician's measurement: shown beside the code, for staff", async () => {
    const detail = "WeChat's clock minus ours: +412 s";
    const m = await mount(
      (ipc) => (ipc.current = view({ name: "failed", code: "CLOCK_SKEW", retry: false, detail }, { language })),
    );
    expect(m.$("[data-failure-code]")?.textContent).toBe("CLOCK_SKEW");
    expect(m.$("[data-failure-detail]")?.textContent).toBe(detail);
    expect(m.$(".failure-message")?.textContent).toBe(dict["failure.clock"]);
  });

  it("misconfigured: call staff, the problem list, nothing to start", async () => {
    const m = await mount((ipc) => {
      ipc.info = INFO.misconfigured;
      ipc.current = new Error("no session");
    });
    expect(m.root.dataset.screen).toBe("misconfigured");
    expect(m.$("h1")?.textContent).toBe(dictionaries["zh-CN"]["misconfigured.title"]);
    expect(m.$$("li[data-problem]").map((li) => li.textContent)).toEqual(INFO.misconfigured.problems);
    expect(m.$$("[data-action]").map((b) => b.dataset.action)).toEqual(["language"]);
    expect(m.firstScreens).toBe(1);
    // The start's moments, in the order the cold-start measure reads them.
    expect(m.marks).toEqual(["loading shown", "listening", "answered", "staff checked"]);
    // No session to hold the language: the switch works locally.
    click(m.$("button[data-action='language']"));
    expect(document.documentElement.lang).toBe("en");
    expect(m.$("h1")?.textContent).toBe(dictionaries.en["misconfigured.title"]);
    expect(m.ipc.intents()).toEqual([]);
  });
});

describe("the countdown warning", () => {
  it("shows 'are you still there?' with the seconds and a big extend, over the screen", async () => {
    const screen = SCREENS.consent("zh-CN");
    const m = await mount((ipc) => (ipc.current = view(screen, { countdown: { secondsLeft: 40, warning: false } })));
    expect(m.$("[data-overlay='warning']")).toBeNull();
    const doc = m.$(".consent-doc");

    m.ipc.emitView(view(screen, { countdown: { secondsLeft: 15, warning: true } }));
    const overlay = m.$("[data-overlay='warning']");
    // Mid-session: the session ends and nothing is kept, which is true here.
    expect(overlay?.getAttribute("data-warning")).toBe("session");
    expect(overlay?.textContent).toContain(dictionaries["zh-CN"]["warning.title"]);
    expect(overlay?.querySelector("#warning-body")?.textContent).toBe(dictionaries["zh-CN"]["warning.body"].replace("{seconds}", "15"));
    expect(overlay?.querySelector("[data-seconds-left]")?.textContent).toBe("15");
    const extend = overlay?.querySelector("button[data-action='extend']");
    expect(extend?.textContent).toBe(dictionaries["zh-CN"]["warning.extend"]);
    expect(extend?.classList.contains("btn-primary")).toBe(true);
    expect(document.activeElement).toBe(extend);
    expect(m.$("main")?.hasAttribute("inert")).toBe(true);
    expect(m.root.dataset.screen).toBe("consent");

    // A tick updates the number only: the screen (and its scroll position) is not rebuilt.
    m.ipc.emitView(view(screen, { countdown: { secondsLeft: 14, warning: true } }));
    expect(m.$("[data-seconds-left]")?.textContent).toBe("14");
    expect(m.$(".consent-doc")).toBe(doc);
    expect(m.$("[data-overlay='warning'] button[data-action='extend']")).toBe(extend);

    click(extend!);
    expect(m.ipc.intents()).toEqual([{ type: "extend" }]);
    m.ipc.emitView(view(screen, { countdown: { secondsLeft: 60, warning: false } }));
    expect(m.$("[data-overlay='warning']")).toBeNull();
    expect(m.$("main")?.hasAttribute("inert")).toBe(false);
    expect(m.$(".consent-doc")).toBe(doc);
    expect(document.activeElement).toBe(doc);
  });

  describe.each(LANGUAGES)("on a result screen, in %s", (language) => {
    const dict = dictionaries[language];
    it.each(["success", "welcomeBack", "refusal", "failed"] as const)(
      "%s: only 'back to the start in N seconds' and 'stay on this page': nothing lost, nothing asked again",
      async (name) => {
        const m = await mount((ipc) => (ipc.current = view(screen(name, language), { language, countdown: { secondsLeft: 7, warning: true } })));
        const overlay = m.$("[data-overlay='warning']")!;
        expect(overlay.getAttribute("data-warning")).toBe("result");
        expect(overlay.querySelector("#warning-title")?.textContent).toBe(dict["warning.result"].replace("{seconds}", "7"));
        const stay = overlay.querySelector<HTMLButtonElement>("button[data-action='extend']")!;
        expect(stay.textContent).toBe(dict["warning.stay"]);
        expect(document.activeElement).toBe(stay);
        for (const key of ["warning.title", "warning.body", "warning.extend"] as const)
          for (const part of dict[key].split("{seconds}").map((p) => p.trim()).filter((p) => p.length > 3))
            expect(overlay.textContent, key).not.toContain(part);
        expect(overlay.querySelector("[role='alertdialog']")?.hasAttribute("aria-describedby")).toBe(false);
        m.ipc.emitView(view(screen(name, language), { language, countdown: { secondsLeft: 6, warning: true } }));
        expect(m.$("[data-seconds-left]")?.textContent).toBe("6");
        click(stay);
        expect(m.ipc.intents()).toEqual([{ type: "extend" }]);
      },
    );
  });

  it("changes its words when a session's screen gives way to a result under it", async () => {
    const warning = { countdown: { secondsLeft: 5, warning: true } };
    const m = await mount((ipc) => (ipc.current = view(SCREENS.consent("zh-CN"), warning)));
    expect(m.$("[data-overlay='warning']")?.getAttribute("data-warning")).toBe("session");
    m.ipc.emitView(view({ name: "refusal", reason: "declinedConsent" }, warning));
    expect(m.$$("[data-overlay='warning']")).toHaveLength(1);
    expect(m.$("[data-overlay='warning']")?.getAttribute("data-warning")).toBe("result");
    expect(m.$("[data-overlay='warning'] button")?.textContent).toBe(dictionaries["zh-CN"]["warning.stay"]);
  });

  it("keeps the language switch usable while it is shown, in both languages", async () => {
    const m = await mount((ipc) => (ipc.current = view(SCREENS.faceScan(), { countdown: { secondsLeft: 9, warning: true } })));
    click(m.$("button[data-action='language']"));
    expect(m.ipc.intents()).toEqual([{ type: "setLanguage", language: "en" }]);
    m.ipc.emitView(view(SCREENS.faceScan(), { language: "en", countdown: { secondsLeft: 8, warning: true } }));
    expect(m.$("[data-overlay='warning']")?.textContent).toContain("Are you still there?");
    expect(m.$("[data-seconds-left]")?.textContent).toBe("8");
    expect(m.$$("[data-overlay='warning']")).toHaveLength(1);
  });
});

describe("projection of the core's state", () => {
  it("follows the views it is sent, ignoring an older one", async () => {
    const m = await mount();
    expect(m.root.dataset.screen).toBe("idle");
    const earlier = view(SCREENS.faceScan());
    const later = view(SCREENS.preparing());
    m.ipc.emitView(earlier);
    m.ipc.emitView(later);
    expect(m.root.dataset.screen).toBe("preparing");
    m.ipc.emitView(earlier);
    expect(m.root.dataset.screen).toBe("preparing");
  });

  it("language and elder switches send intents and follow the view, keeping the focus", async () => {
    const m = await mount();
    const lang = m.$<HTMLButtonElement>("button[data-action='language']")!;
    lang.focus();
    click(lang);
    expect(m.ipc.intents()).toEqual([{ type: "setLanguage", language: "en" }]);
    expect(document.documentElement.lang).toBe("zh-CN"); // nothing changes until the core says so
    m.ipc.emitView(view(SCREENS.idle(), { language: "en", elder: true }));
    expect(document.documentElement.lang).toBe("en");
    expect(document.documentElement.classList.contains("elder")).toBe(true);
    expect(m.$("button[data-action='elder']")?.getAttribute("aria-pressed")).toBe("true");
    expect(m.$("h1")?.textContent).toBe(dictionaries.en["idle.title"]);
    expect(document.activeElement).toBe(m.$("button[data-action='language']"));
    click(m.$("button[data-action='language']"));
    click(m.$("button[data-action='elder']"));
    expect(m.ipc.intents().slice(1)).toEqual([
      { type: "setLanguage", language: "zh-CN" },
      { type: "setElder", elder: false },
    ]);
  });

  it("a double tap sends one intent while the first is in flight", async () => {
    const m = await mount((ipc) => (ipc.holdIntents = true));
    const start = m.$("button[data-action='start']");
    click(start);
    click(start);
    expect(m.ipc.intents()).toEqual([{ type: "start" }]);
    m.ipc.releaseIntents();
    await flush();
    click(start);
    expect(m.ipc.intents()).toHaveLength(2);
  });

  it("the core unreachable at start-up: a staff screen with the code, not a blank page", async () => {
    const m = await mount((ipc) => (ipc.current = new Error("down")));
    expect(m.root.dataset.screen).toBe("unavailable");
    expect(m.$("[data-failure-code]")?.textContent).toBe("noSession");
    m.ipc.emitView(view(SCREENS.idle()));
    expect(m.root.dataset.screen).toBe("idle");
  });

  it("app_info failing at start-up shows the staff screen with its code, even with a session view", async () => {
    const m = await mount((ipc) => (ipc.appInfo = async () => Promise.reject({ code: "noInfo", message: "" })));
    expect(m.root.dataset.screen).toBe("unavailable");
    expect(m.$("[data-failure-code]")?.textContent).toBe("noInfo");
    expect(m.firstScreens).toBe(1);
    // A later view does not bring the kiosk's mode back: still not a "loading" that never ends.
    m.ipc.emitView(view(SCREENS.consent("zh-CN")));
    expect(m.root.dataset.screen).toBe("unavailable");
    expect(m.$("[data-failure-code]")?.textContent).toBe("noInfo");
  });

  it("reports the first screen once", async () => {
    const m = await mount();
    m.ipc.emitView(view(SCREENS.consent("zh-CN")));
    expect(m.firstScreens).toBe(1);
  });

  it("every intent button carries its intent type", async () => {
    const seen = new Set<string>();
    for (const name of SCREEN_NAMES) {
      const m = await mount((ipc) => (ipc.current = view(SCREENS[name]("zh-CN"), { countdown: { secondsLeft: 5, warning: true } })));
      for (const b of m.$$("button[data-action]")) seen.add(b.dataset.action!);
    }
    expect([...seen].sort()).toEqual([...INTENT_ACTIONS, "elder", "language"].sort());
  });
});

describe("demo mode", () => {
  const demo = (screen: ReturnType<(typeof SCREENS)[keyof typeof SCREENS]>) => (ipc: import("./fixtures").FakeIpc) => {
    ipc.info = INFO.demo;
    ipc.current = view(screen);
  };

  it("is clearly marked on every screen, in the screen's language", async () => {
    for (const name of SCREEN_NAMES) {
      const m = await mount(demo(SCREENS[name]("zh-CN")));
      expect(m.$("[data-demo-banner]")?.textContent).toContain("演示模式");
    }
    const en = await mount((ipc) => {
      ipc.info = INFO.demo;
      ipc.current = view(SCREENS.consent("en"), { language: "en" });
    });
    // English screens carry no Chinese but the switch back to it (the E2E language test holds this).
    expect(en.$("[data-demo-banner]")?.textContent).toMatch(/^DEMO/);
    expect(en.root.textContent?.replace("中文", "")).not.toMatch(/\p{Script=Han}/u);
    const prod = await mount();
    expect(prod.$("[data-demo-banner]")).toBeNull();
  });

  it("faceScan: a persona stands in for a face", async () => {
    const m = await mount(demo(SCREENS.faceScan()));
    await flush();
    const personas = m.$$<HTMLButtonElement>("button[data-persona]");
    expect(personas.map((b) => b.dataset.persona)).toEqual(["new-adult", "returning", "cancels"]);
    expect(personas[1]?.textContent).toBe("老患者");
    expect(document.activeElement).toBe(personas[0]);
    click(personas[1]!);
    expect(m.ipc.calls.filter((c) => c.cmd === "demo_present_face")).toEqual([{ cmd: "demo_present_face", arg: "returning" }]);
    expect(m.$("button[data-action='cancel']")).not.toBeNull();
  });

  it("waitingConfirmation: a simulated WeChat screen with confirm and cancel, neither one focused", async () => {
    const m = await mount(demo(SCREENS.waitingConfirmation()));
    const panel = m.$(".wechat-screen");
    expect(document.activeElement).toBe(panel);
    expect(document.activeElement?.hasAttribute("data-wechat")).toBe(false);
    click(m.$("button[data-wechat='confirm']"));
    click(m.$("button[data-wechat='cancel']"));
    await flush();
    expect(m.ipc.calls.filter((c) => c.cmd === "demo_wechat_screen").map((c) => c.arg)).toEqual([true, false]);
    expect(m.ipc.intents()).toEqual([]);
  });
});
