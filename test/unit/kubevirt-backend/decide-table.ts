// decide() as a table: a snapshot of the children in, the reported state and the actions out.
import assert from "node:assert/strict";
import { test } from "node:test";
import { type Action, type Decision, type Snapshot } from "../../../src/controller/kubevirt-backend/index.js";
import type { InstallRuntime } from "../../../src/controller/builders/index.js";
import type { KubeObject } from "../../../src/runtime/index.js";
import { at, decideFor, fixture, type Fixture } from "./fixtures.js";

export interface Row {
  name: string;
  snap: (f: Fixture) => Snapshot;
  /** Minutes after the run started (default 10). */
  now?: number;
  /** "running <step>", "failed <reason>" or "succeeded". */
  state: string;
  /** "<action> <kind> <name without its key suffix>". */
  actions: string[];
  message?: RegExp;
}

export const describeState = (d: Decision): string =>
  d.state.kind === "running"
    ? `running ${d.state.step}`
    : d.state.kind === "failed"
      ? `failed ${d.state.reason}`
      : "succeeded";

export const describeActions = (actions: Action[]): string[] =>
  actions.map((a) => {
    const target: KubeObject = a.kind === "markInstallTimedOut" ? a.targetPvc : a.object;
    return `${a.kind} ${target.kind} ${target.metadata.name.replace(/-[0-9a-f]{8,12}$/, "")}`;
  });

export const messageOf = (d: Decision): string => ("message" in d.state ? (d.state.message ?? "") : "");

/** The JSON a failed worker writes to its termination message. */
export const failure = (reason: string, message: string): string => JSON.stringify({ reason, message });

/** Runs each row as a test; `installRuntime` pod decides as an operator without KubeVirt would. */
export function runTable(rows: Row[], opts: { installRuntime?: InstallRuntime } = {}): void {
  for (const row of rows) {
    test(row.name, async () => {
      const base = await fixture();
      const f = {
        ...base,
        ctx: { ...base.ctx, installRuntime: opts.installRuntime ?? base.ctx.installRuntime },
      };
      const decision = decideFor(f, row.snap(f), at(row.now ?? 10));
      assert.equal(describeState(decision), row.state, messageOf(decision));
      assert.deepEqual(describeActions(decision.actions), row.actions);
      if (row.message) assert.match(messageOf(decision), row.message);
    });
  }
}
