import { describe, expect, it } from "vitest";
import { dictionaries, otherLanguage, translator } from "../src/i18n";
import { en } from "../src/i18n/en";
import { zhCN } from "../src/i18n/zh-CN";
import { KNOWN_FAILURE_CODES, failureMessage } from "../src/failures";

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
    const bilingual = new Set(["lang.switch", "lang.switchLabel", "refusal.insuranceHint"]);
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
    p.append(...t.nodes("warning.body", { seconds: span }));
    expect(p.textContent).toBe("Going back to the start in 9 s. Nothing from this visit will be kept.");
    expect(p.querySelector("span")).toBe(span);
    expect(otherLanguage("zh-CN")).toBe("en");
    expect(otherLanguage("en")).toBe("zh-CN");
  });
});

describe("failure codes", () => {
  it("every code of core's FailureCode has its own plain words, not the generic ones", () => {
    expect(KNOWN_FAILURE_CODES).toHaveLength(26);
    for (const code of KNOWN_FAILURE_CODES) {
      const key = failureMessage(code);
      expect(key, code).not.toBe("failure.generic");
      expect(zhCN[key], code).toBeTruthy();
    }
    expect(failureMessage("FACE_SCAN_TIMEOUT")).toBe("failure.faceScanTimeout");
    expect(failureMessage("FACE_AUTH_NOT_PERMITTED")).toBe("failure.notAuthorized");
  });

  it("a code this build does not know gets the generic words", () => {
    expect(failureMessage("SOMETHING_NEW")).toBe("failure.generic");
    expect(failureMessage("toString")).toBe("failure.generic");
    expect(failureMessage("")).toBe("failure.generic");
  });
});
