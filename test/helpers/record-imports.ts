// Loaded with `node --import <this file>` (RECORD_IMPORTS_FILE set): every module the process resolves,
// its own and its packages', is appended to that file as a URL, one a line.
import { register } from "node:module";

const file = process.env.RECORD_IMPORTS_FILE;
if (!file) throw new Error("record-imports: set RECORD_IMPORTS_FILE to the file to append to");
register("./record-imports-hooks.js", import.meta.url, { data: { file } });
