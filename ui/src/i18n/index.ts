// The dictionaries and the two ways to fill in a message's `{name}` placeholders.
import type { Language } from "../types";
import { en } from "./en";
import { zhCN, type MessageKey, type Messages } from "./zh-CN";

export type { MessageKey, Messages };

export const dictionaries: Readonly<Record<Language, Messages>> = { "zh-CN": zhCN, en };

/** The language shown before the core has said which one (and the fallback for anything else). */
export const DEFAULT_LANGUAGE: Language = "zh-CN";

/** The other language: what the language switch asks for. */
export function otherLanguage(language: Language): Language {
  return language === "zh-CN" ? "en" : "zh-CN";
}

/** A translator for one language. */
export type Translate = {
  readonly language: Language;
  /** The message with its placeholders filled in as text. */
  (key: MessageKey, vars?: Readonly<Record<string, string | number>>): string;
  /** The message as nodes, a placeholder replaced by the node given for it (e.g. a live span). */
  nodes(key: MessageKey, vars: Readonly<Record<string, Node>>): Node[];
};

export function translator(language: Language): Translate {
  const dict = dictionaries[language] ?? dictionaries[DEFAULT_LANGUAGE];
  const t = ((key, vars) =>
    dict[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
      vars && name in vars ? String(vars[name]) : whole,
    )) as Translate;
  Object.defineProperty(t, "language", { value: language });
  t.nodes = (key, vars) =>
    dict[key]
      .split(/(\{\w+\})/)
      .filter((part) => part !== "")
      .map((part) => {
        const name = /^\{(\w+)\}$/.exec(part)?.[1];
        return name !== undefined && vars[name] ? vars[name] : document.createTextNode(part);
      });
  return t;
}
