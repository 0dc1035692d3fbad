// The page must run under `script-src 'self'; style-src 'self'` with no global Tauri object:
// one external module script, no inline script or style, no HTML strings or eval in the code.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ui = join(__dirname, "..");
const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });

describe("CSP and the Tauri boundary", () => {
  it("index.html loads one module script by src and has no inline script or style", () => {
    const html = readFileSync(join(ui, "index.html"), "utf8");
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    expect(scripts[0]![1]).toMatch(/type="module"/);
    expect(scripts[0]![1]).toMatch(/src="[^"]+"/);
    expect(scripts[0]![2]!.trim()).toBe("");
    expect(html).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=|https?:\/\//);
  });

  it("the code builds DOM nodes, never HTML strings, eval or inline styles", () => {
    for (const file of sources(join(ui, "src"))) {
      const code = readFileSync(file, "utf8");
      expect(code, file).not.toMatch(/\.innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function\(|setAttribute\(\s*["']style/);
    }
  });

  it("only src/ipc.ts talks to Tauri, and never through window.__TAURI__", () => {
    for (const file of sources(join(ui, "src"))) {
      const code = readFileSync(file, "utf8");
      expect(code, file).not.toMatch(/__TAURI__/);
      if (!file.endsWith(join("src", "ipc.ts"))) expect(code, file).not.toMatch(/@tauri-apps\/api/);
    }
  });
});
