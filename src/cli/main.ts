#!/usr/bin/env node
import { InvalidObjectError } from "../api/validate.js";
import { StepFailure } from "../reasons/step-failure.js";
import { UsageError, type Command } from "./command.js";
import { commands } from "./commands/index.js";

function help(list: Command[]): string {
  const width = Math.max(...list.map((c) => c.name.length));
  return [
    "rootfs: turn OS installer ISOs into bootable root filesystems",
    "",
    "Usage: rootfs <command> [options]",
    "",
    ...list.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Run `rootfs <command> --help` for a command's options.",
  ].join("\n");
}

async function fullHelp(): Promise<string> {
  return help(await Promise.all(commands.map((c) => c.load())));
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    console.log(await fullHelp());
    return name === undefined ? 2 : 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    console.error(`Unknown command "${name}".\n\n${await fullHelp()}`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(`${command.summary}\n\nUsage: ${command.usage}`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (
      err instanceof UsageError ||
      (err instanceof TypeError && "code" in err && String(err.code).startsWith("ERR_PARSE_ARGS"))
    ) {
      console.error(`rootfs ${command.name}: ${err.message}\nUsage: ${command.usage}`);
      return 2;
    }
    if (err instanceof StepFailure)
      console.error(`rootfs ${command.name} failed (${err.reason}): ${err.message}`);
    else console.error(err instanceof InvalidObjectError || err instanceof Error ? err.message : String(err));
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
