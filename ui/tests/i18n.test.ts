import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dictionaries, otherLanguage, translator } from "../src/i18n";
import { en } from "../src/i18n/en";
import { zhCN } from "../src/i18n/zh-CN";
import { KNOWN_FAILURE_CODES, failureMessage } from "../src/failures";
import type { FailureCode } from "../src/types";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("i18n dictionaries", () => {
  it("zh-CN and en have exactly the same keys", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
  });

  it.each(Object.entries(dictionaries))("%s has no empty or untrimmed value", (_, dict) => {
    for (const [key, value] of Object.entries(dict)) {
      expect(value.trim(), key).not.toBe("");
      expect(value, key).toBe(value.trim());
    }
  });

  it("each message has the same placeholders in both languages", () => {
    for (const key of Object.keys(zhCN) as Array<keyof typeof zhCN>) {
      expect(placeholders(en[key]), key).toEqual(placeholders(zhCN[key]));
    }
  });

  it("the English dictionary is English and the Chinese one Chinese (bar the switch labels)", () => {
    const han = /\p{Script=Han}/u;
    const bilingual = new Set(["lang.switch", "refusal.insuranceHint"]);
    for (const key of Object.keys(zhCN) as Array<keyof typeof zhCN>) {
      if (bilingual.has(key)) continue;
      expect(han.test(en[key]), `en ${key}`).toBe(false);
      expect(han.test(zhCN[key]), `zh-CN ${key}`).toBe(true);
    }
    // The switch is labelled in the language it switches to.
    expect(zhCN["lang.switch"]).toBe("English");
    expect(en["lang.switch"]).toBe("中文");
  });

  it("fills placeholders, and as nodes keeps a live element in place", () => {
    const t = translator("en");
    expect(t("idle.version", { version: "1.2.3" })).toBe("Version 1.2.3");
    const span = document.createElement("span");
    span.textContent = "9";
    const p = document.createElement("p");
    p.append(...t.nodes("warning.result", { seconds: span }));
    expect(p.textContent).toBe("Back to the start in 9 seconds");
    expect(p.querySelector("span")).toBe(span);
    expect(otherLanguage("zh-CN")).toBe("en");
    expect(otherLanguage("en")).toBe("zh-CN");
  });
});

// The newest consent texts the kiosk ships, as the files have them (header comment included):
// one for a kiosk that hands patients to the hospital's system, one for a kiosk with its own
// registry only.
const consentDir = join(__dirname, "..", "..", "assets", "consent");
const newestConsent = readdirSync(consentDir).sort().at(-1)!;
const VARIANTS = ["hospital", "kiosk-only"] as const;
const consentText = (language: "zh-CN" | "en", variant: (typeof VARIANTS)[number] = "hospital") =>
  readFileSync(join(consentDir, newestConsent, variant, `${language}.toml`), "utf8");

describe("what the screens say matches the consent text", () => {
  it("WeChat's screen shares what the consent promises: name, ID type and number, no phone", () => {
    // The premise, from the asset itself: it declares these fetches, and what the patient reads
    // (all but the file's comments) promises them and no phone number.
    for (const variant of VARIANTS) {
      const shown = (language: "zh-CN" | "en") =>
        consentText(language, variant).split("\n").filter((line) => !line.startsWith("#")).join("\n");
      for (const language of ["zh-CN", "en"] as const) {
        expect(shown(language)).toContain('fetches = ["name", "credential"]');
      }
      const zhConsent = shown("zh-CN");
      for (const item of ["姓名", "证件类型", "证件号码"]) expect(zhConsent).toContain(item);
      expect(zhConsent).not.toMatch(/手机|电话/);
      expect(shown("en")).not.toMatch(/phone/i);
    }

    for (const item of ["姓名", "证件类型", "证件号码"]) expect(zhCN["waiting.body"]).toContain(item);
    expect(zhCN["waiting.body"]).not.toMatch(/手机|电话/);
    expect(en["waiting.body"]).toMatch(/name/);
    expect(en["waiting.body"]).toMatch(/type of your ID document/);
    expect(en["waiting.body"]).not.toMatch(/phone/i);
  });

  it("the consent text is called what it calls itself, in every message that names it", () => {
    for (const variant of VARIANTS) expect(consentText("zh-CN", variant).split("\n")[0]).toContain("单独同意书");
    for (const [key, value] of Object.entries(zhCN)) expect(value, key).not.toContain("告知书");
    for (const [key, value] of Object.entries(en)) expect(value, key).not.toMatch(/\bnotice\b/i);
    for (const key of ["idle.step1", "consent.version"] as const) {
      expect(zhCN[key], key).toContain("单独同意书");
      expect(en[key], key).toMatch(/consent form/i);
    }
  });

  it("the idle steps do not take agreement for granted", () => {
    expect(zhCN["idle.step1"]).not.toMatch(/并同意/);
    expect(zhCN["idle.step1"]).toContain("是否同意");
    expect(en["idle.step1"]).not.toMatch(/\bagree\b/i);
    expect(en["idle.step1"]).toMatch(/decide/);
  });
});

describe("wording", () => {
  it("no colloquial or ambiguous phrases a review flagged", () => {
    for (const [key, value] of Object.entries(zhCN)) expect(value, key).not.toMatch(/没能|出了点问题|请取号|交给医院系统/);
    expect(zhCN["failed.title"]).toBe("暂时无法完成办理");
    expect(zhCN["failure.handOver"]).toContain("医院挂号系统");
    expect(zhCN["failure.handOverRefused"]).toContain("人工窗口");
    expect(en["success.masked"]).toMatch(/^Some of your details are hidden/);
    // What to do next says where to go, in both languages alike.
    expect(zhCN["success.next"]).toContain("挂号窗口");
    expect(en["success.next"]).toContain("registration window");
  });
});

describe("failure codes", () => {
  it("every code of core's FailureCode has its own plain words, not the generic ones", () => {
    expect(KNOWN_FAILURE_CODES).toHaveLength(29);
    for (const code of KNOWN_FAILURE_CODES) {
      const key = failureMessage(code);
      expect(key, code).not.toBe("failure.generic");
      expect(zhCN[key], code).toBeTruthy();
    }
    expect(failureMessage("FACE_SCAN_TIMEOUT")).toBe("failure.faceScanTimeout");
    expect(failureMessage("FACE_AUTH_NOT_PERMITTED")).toBe("failure.notAuthorized");
  });

  it("a code this build does not know gets the generic words", () => {
    expect(failureMessage("SOMETHING_NEW" as FailureCode)).toBe("failure.generic");
    expect(failureMessage("toString" as FailureCode)).toBe("failure.generic");
    expect(failureMessage("" as FailureCode)).toBe("failure.generic");
  });
});
