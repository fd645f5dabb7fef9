import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

/**
 * The posterior explorer (issue #15): a static site, root web/, built to web/dist/ with relative
 * asset paths (base "./") so that the folder can be served from anywhere or opened offline.
 * It imports the library's TypeScript sources directly (src/), and the T2K release texts from
 * data/t2k/ as raw strings, so the repository root must be readable by the dev server.
 */
const repoRoot = fileURLToPath(new URL("..", import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  publicDir: "public",
  // no dependency pre-bundling scan outside web/ on startup; vega and vega-lite are ES modules
  server: { fs: { allow: [repoRoot] } },
  worker: { format: "es" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // no inline scripts or styles in index.html (CSP without 'unsafe-inline')
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      // zod's sources carry /* @__PURE__ */ comments in places Rollup cannot use; the notice is noise
      onwarn(warning, warn) {
        if (warning.code !== "INVALID_ANNOTATION") warn(warning);
      },
    },
  },
});
