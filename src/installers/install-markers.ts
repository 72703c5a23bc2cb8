// Lines our answer files print on the serial console at the end of an install, from the last hook each
// installer offers (kickstart %post and %onerror, preseed late_command, autoinstall late-commands and
// error-commands). None of the installers prints a line of its own that only a finished unattended install
// prints: anaconda says "Installation complete" only with an EULA or when it waits for Enter, and
// debian-installer and subiquity power off without a word on the console.

export type InstallOutcome = "finished" | "failed";

const markerPrefix = "rootfs-operator: install ";

export function installMarker(outcome: InstallOutcome): string {
  return `${markerPrefix}${outcome}`;
}

/**
 * A shell command printing the marker on the console the installer runs on. The outcome is a printf
 * argument so that the command's own text, which subiquity's reporter echoes, never matches the marker.
 */
export function printMarkerCommand(outcome: InstallOutcome): string {
  return `printf '${markerPrefix}%s\\n' ${outcome} > /dev/console`;
}
