import { invalidAnswerFile } from "./errors.js";
import type { KickstartDocument } from "./kickstart-document.js";
import { kickstartCommands } from "./kickstart-commands.generated.js";
import type { KickstartProfile } from "./profile.js";

// Checks a kickstart (user fragment, user file, or the merged result) can run unattended on this profile's
// anaconda. Command names come from pykickstart's handler for the profile; pykickstart itself, in the
// tests, also checks the options.

const forbidden: Record<string, string> = {
  reboot:
    "the build waits for the install VM to power off; remove it (the kickstart already ends in poweroff)",
  halt: "the build waits for the install VM to power off; remove it (the kickstart already ends in poweroff)",
  shutdown:
    "the build waits for the install VM to power off; remove it (the kickstart already ends in poweroff)",
  graphical: "the install VM has only a serial console; remove it (the kickstart runs in text mode)",
};

export function checkKickstart(doc: KickstartDocument, profile: KickstartProfile, source: string): void {
  const accepted = new Set(kickstartCommands[profile.ksVersion].split(" "));
  const problems: string[] = [];
  for (const command of doc.commands) {
    const why = forbidden[command.name];
    if (why !== undefined) {
      problems.push(`line ${command.lineNo}: "${command.name}": ${why}`);
    } else if (!command.name.startsWith("%") && !accepted.has(command.name)) {
      problems.push(
        `line ${command.lineNo}: "${command.name}" is not a kickstart command of ${profile.distro} ${profile.release} ` +
          `(pykickstart ${profile.ksVersion}: unknown, deprecated or removed); remove or replace it`,
      );
    }
  }
  if (problems.length > 0) {
    throw invalidAnswerFile(`${source} is not a valid kickstart: ${problems.join("; ")}.`);
  }
}
