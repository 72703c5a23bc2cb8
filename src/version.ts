import { readFileSync } from "node:fs";

/** The package version; part of every build key, so a new release never reuses old outputs. */
export const toolVersion: string = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;
