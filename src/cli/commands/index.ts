import type { Command } from "../command.js";
import { answerFileCommand } from "./answer-file.js";
import { answerVolumeCommand } from "./answer-volume.js";
import { crdsCommand } from "./crds.js";
import { remasterCommand } from "./remaster.js";
import { validateCommand } from "./validate.js";

export const commands: Command[] = [
  answerFileCommand,
  remasterCommand,
  answerVolumeCommand,
  validateCommand,
  crdsCommand,
];
