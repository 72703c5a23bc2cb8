/**
 * How far below the appliance the helpers (compressors, bsdtar) run while the appliance is on TCG.
 * There the appliance's emulated CPU is the bottleneck and every cycle a helper takes from it
 * slows the whole extract; at nice 10 a helper sharing a CPU with it gets ~10% of that CPU, and all
 * of an idle one. On KVM the source is fast and the helpers set the pace, so they keep their priority.
 */
export const tcgHelperNiceness = 10;

/**
 * The command line that runs `command` at `niceness` (0: unchanged) from its first instruction, through
 * coreutils' nice, so every thread and process it starts inherits it. Lowering it after the start
 * races the program's own threads and children (seen with a wrapper that forked before we got to it),
 * and an unprivileged operator could not undo a lowered priority of its own to spawn at.
 */
export function atNiceness(command: string, args: string[], niceness: number): [string, string[]] {
  return niceness > 0 ? ["nice", ["-n", String(niceness), command, ...args]] : [command, args];
}
