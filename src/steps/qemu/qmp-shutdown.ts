import { createConnection, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Why the guest stopped, as qemu's QMP SHUTDOWN event says: "guest-shutdown" (ACPI poweroff),
 * "guest-reset" (a reboot, which -no-reboot turns into an exit), "guest-panic", "host-signal", …
 * qemu exits with status 0 after both a poweroff and a reboot, so only this tells them apart.
 */
export interface ShutdownWatch {
  reason(): string | undefined;
  /** Settles when qemu closed the connection (it exited) or `close()` was called. */
  readonly closed: Promise<void>;
  close(): void;
}

/** Connects to qemu's QMP socket, retrying while qemu creates it, until `giveUp` settles. */
export async function watchShutdown(socketPath: string, giveUp: Promise<unknown>): Promise<ShutdownWatch> {
  let stop = false;
  void giveUp.then(() => (stop = true));
  for (;;) {
    const socket = await connect(socketPath).catch(() => undefined);
    if (socket) return watch(socket);
    if (stop) return detached;
    await sleep(50);
  }
}

const detached: ShutdownWatch = {
  reason: () => undefined,
  closed: Promise.resolve(),
  close: () => undefined,
};

function connect(socketPath: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    socket.once("connect", () => resolve(socket));
    socket.once("error", reject);
  });
}

function watch(socket: Socket): ShutdownWatch {
  let reason: string | undefined;
  let buffered = "";
  socket.setEncoding("utf8");
  socket.on("error", () => undefined);
  socket.on("data", (text: string) => {
    buffered += text;
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) {
      const message = parse(line);
      if (message?.QMP) socket.write('{"execute":"qmp_capabilities"}\n');
      if (message?.event === "SHUTDOWN" && reason === undefined) reason = message.data?.reason ?? "unknown";
    }
  });
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  return { reason: () => reason, closed, close: () => socket.destroy() };
}

interface QmpMessage {
  QMP?: unknown;
  event?: string;
  data?: { reason?: string };
}

function parse(line: string): QmpMessage | undefined {
  try {
    return JSON.parse(line) as QmpMessage;
  } catch {
    return undefined;
  }
}
