import type { Command } from "../command.js";
import { answerFileCommand } from "./answer-file.js";
import { answerVolumeCommand } from "./answer-volume.js";
import { buildCommand } from "./build.js";
import { crdsCommand } from "./crds.js";
import { operatorCommand } from "./operator.js";
import { remasterCommand } from "./remaster.js";
import { sourcesCommand } from "./sources.js";
import { validateCommand } from "./validate.js";
import { verifyCommand } from "./verify.js";
import { workerCommand } from "./worker.js";

export const commands: Command[] = [
  buildCommand,
  sourcesCommand,
  verifyCommand,
  answerFileCommand,
  remasterCommand,
  answerVolumeCommand,
  operatorCommand,
  validateCommand,
  crdsCommand,
  workerCommand,
];
