import { readdir } from "node:fs/promises";
import os from "node:os";

/**
 * How far below the appliance the helpers (compressors, bsdtar) run while the appliance is on TCG.
 * There the appliance's emulated CPU is the bottleneck and every cycle a helper takes from it
 * slows the whole extract; at nice 10 a helper sharing a CPU with it gets ~10% of that CPU, and all
 * of an idle one. On KVM the source is fast and the helpers set the pace, so they keep their priority.
 */
export const tcgHelperNiceness = 10;

/**
 * Sets the niceness of every thread of `pid` (Linux nice values are per thread; threads started
 * later inherit it from the thread that starts them). A process that already exited is ignored.
 */
export async function lowerPriority(pid: number, niceness: number): Promise<void> {
  const tasks = await readdir(`/proc/${pid}/task`).catch(() => [String(pid)]);
  for (const task of tasks) {
    try {
      os.setPriority(Number(task), niceness);
    } catch {
      // the thread or process ended meanwhile
    }
  }
}
