import type { Command } from "../command.js";

/** A subcommand by name, its module loaded only when it runs (the operator need not load `build`). */
export interface CommandEntry {
  name: string;
  load(): Promise<Command>;
}

export const commands: CommandEntry[] = [
  { name: "build", load: async () => (await import("./build.js")).buildCommand },
  { name: "sources", load: async () => (await import("./sources.js")).sourcesCommand },
  { name: "verify", load: async () => (await import("./verify.js")).verifyCommand },
  { name: "answer-file", load: async () => (await import("./answer-file.js")).answerFileCommand },
  { name: "remaster", load: async () => (await import("./remaster.js")).remasterCommand },
  { name: "answer-volume", load: async () => (await import("./answer-volume.js")).answerVolumeCommand },
  { name: "operator", load: async () => (await import("./operator.js")).operatorCommand },
  { name: "validate", load: async () => (await import("./validate.js")).validateCommand },
  { name: "crds", load: async () => (await import("./crds.js")).crdsCommand },
  { name: "worker", load: async () => (await import("./worker.js")).workerCommand },
];
