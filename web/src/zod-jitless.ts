/**
 * zod (the library's config.json schemas) compiles fast parsers with `new Function` when it may; a
 * Content-Security-Policy without 'unsafe-eval' reports even its probe. Import this module first.
 */
import { config } from "zod";

config({ jitless: true });
