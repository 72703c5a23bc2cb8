import { renderCrds } from "../../api/crd-files.js";
import type { Command } from "../command.js";

export const crdsCommand: Command = {
  name: "crds",
  summary: "Print the CustomResourceDefinitions (pipe to kubectl apply --server-side -f -)",
  usage: "rootfs crds",
  run() {
    process.stdout.write(
      renderCrds()
        .map((f) => f.content)
        .join("---\n"),
    );
    return Promise.resolve(0);
  },
};
