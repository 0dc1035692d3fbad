import { defineConfig } from "vitest/config";

// The webview loads ui/dist from Tauri's own protocol: relative paths, everything bundled
// (no CDN), one module script and one stylesheet, so `script-src 'self'` holds.
export default defineConfig({
  base: "./",
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "safari15",
    // No inline modulepreload polyfill; nothing is inlined as a data: URL.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  test: {
    environment: "jsdom",
    include: ["tests/**/*.test.ts"],
  },
});
