import type { Command } from "../command.js";
import { answerFileCommand } from "./answer-file.js";
import { crdsCommand } from "./crds.js";
import { validateCommand } from "./validate.js";

export const commands: Command[] = [validateCommand, answerFileCommand, crdsCommand];
