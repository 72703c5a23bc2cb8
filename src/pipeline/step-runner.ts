import type { StepName } from "../api/rootfsbuild.js";
import type { ProgressListener } from "../plan/progress.js";

export interface StepTiming {
  name: StepName;
  startTime: string;
  completionTime: string;
  skipped: boolean;
}

/** Runs steps one after another, announcing each and recording when it started and finished. */
export class StepRunner {
  readonly timings: StepTiming[] = [];

  constructor(private readonly onProgress: ProgressListener) {}

  async run<T>(name: StepName, what: string, work: () => Promise<T>): Promise<T> {
    const started = new Date();
    this.onProgress({ step: name, kind: "message", text: `${what}…` });
    const result = await work();
    this.record(name, started, false);
    return result;
  }

  skip(name: StepName, why: string): void {
    this.onProgress({ step: name, kind: "message", text: `Skipped: ${why}` });
    this.record(name, new Date(), true);
  }

  private record(name: StepName, started: Date, skipped: boolean): void {
    this.timings.push({
      name,
      startTime: started.toISOString(),
      completionTime: new Date().toISOString(),
      skipped,
    });
  }
}
