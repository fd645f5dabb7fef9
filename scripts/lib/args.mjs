// The command line of the quality scripts and bench/likelihood.mjs: `--name value` options and
// bare `--flag` switches, in any order; `--help` (or -h) prints the calling script's header
// comment, which is its usage text, and exits.
import fs from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * Parse argv for the script at `scriptUrl` (its import.meta.url). Returns `opt(name, default)`,
 * the word after `name` or the default when `name` is absent, and `has(name)` for switches.
 */
export function parseArgs(scriptUrl, argv = process.argv.slice(2)) {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(headerComment(fileURLToPath(scriptUrl)));
    process.exit(0);
  }
  return {
    argv,
    opt(name, def) {
      const i = argv.indexOf(name);
      return i >= 0 ? argv[i + 1] : def;
    },
    has(name) {
      return argv.includes(name);
    },
  };
}

/** The leading `//` comment lines of a file, without the slashes. */
function headerComment(file) {
  const lines = [];
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    if (!line.startsWith("//")) break;
    lines.push(line.replace(/^\/\/ ?/, ""));
  }
  return `${lines.join("\n")}\n`;
}
