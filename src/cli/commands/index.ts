import type { Command } from "../command.js";
import { crdsCommand } from "./crds.js";
import { validateCommand } from "./validate.js";

export const commands: Command[] = [validateCommand, crdsCommand];
