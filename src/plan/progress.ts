import type { StepName } from "../api/rootfsbuild.js";

/** What a step reports while a person waits: bytes moved, or a line from the tool it drives. */
export type ProgressEvent =
  | {
      step: StepName;
      kind: "bytes";
      done: number;
      total?: number;
      bytesPerSecond: number;
      etaSeconds?: number;
    }
  | { step: StepName; kind: "message"; text: string; percent?: number };

export type ProgressListener = (event: ProgressEvent) => void;

/** Turns a running byte count into throttled rate/ETA events (at most one per `intervalMs`). */
export class ByteProgress {
  private readonly started = Date.now();
  private lastEmit = 0;
  private done: number;

  constructor(
    private readonly step: StepName,
    private readonly listener: ProgressListener | undefined,
    private readonly total: number | undefined,
    private readonly initial = 0,
    private readonly intervalMs = 500,
  ) {
    this.done = initial;
  }

  add(bytes: number): void {
    this.done += bytes;
    const now = Date.now();
    if (now - this.lastEmit >= this.intervalMs) this.emit(now);
  }

  finish(): void {
    this.emit(Date.now());
  }

  private emit(now: number): void {
    this.lastEmit = now;
    if (!this.listener) return;
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const bytesPerSecond = (this.done - this.initial) / seconds;
    const remaining = this.total === undefined ? undefined : this.total - this.done;
    const etaSeconds =
      remaining === undefined || bytesPerSecond <= 0 ? undefined : Math.round(remaining / bytesPerSecond);
    this.listener({
      step: this.step,
      kind: "bytes",
      done: this.done,
      total: this.total,
      bytesPerSecond,
      etaSeconds,
    });
  }
}
