import { fileURLToPath } from "node:url";
import { StepFailure } from "../../reasons/step-failure.js";
import { optionValue } from "./machine-args.js";

// The network of a local install VM that installs from a mirror: qemu's user-mode network with
// restrict=on, so the guest reaches nothing outside (no DNS, no other host, no host port), except one
// guest-side address that qemu forwards to the mirror. Each connection the guest opens there starts our
// relay (relay-connection.ts) with the connection as its stdin and stdout: qemu's guestfwd "-cmd:" form.
// The relay names the mirror by its own host in the requests (host-header.ts), for name-based hosting.
// Its "tcp:HOST:PORT" form connects once, when the VM starts, and serves only that first connection.

/** Where the guest finds the mirror: an unused address of qemu's 10.0.2.0/24 user network. */
export const guestMirrorAddress = "10.0.2.100";

const relayScript = fileURLToPath(new URL("./relay-connection.js", import.meta.url));

interface MirrorTarget {
  url: URL;
  host: string;
  port: number;
}

function targetOf(specUrl: string): MirrorTarget {
  const url = new URL(specUrl);
  if (url.protocol !== "http:") {
    throw new StepFailure(
      "InvalidSpec",
      `A local install reaches its mirror through a relay address, so the mirror's TLS certificate cannot match; ` +
        `use an http:// mirror (apt and dnf verify packages by their signatures) instead of ${specUrl}`,
    );
  }
  return { url, host: url.hostname.replace(/^\[|\]$/g, ""), port: Number(url.port || 80) };
}

/** The mirror URL as the local install VM reaches it: the same port and path on the relay address. */
export function localMirrorRoute(specUrl: string): string {
  const { url, port } = targetOf(specUrl);
  return `http://${guestMirrorAddress}${port === 80 ? "" : `:${port}`}${url.pathname}`;
}

/** qemu arguments for a VM that reaches the mirror at `specUrl`, and nothing else. */
export function mirrorNicArgs(specUrl: string): string[] {
  const { url, host, port } = targetOf(specUrl);
  const command = [process.execPath, relayScript, host, String(port), url.host].map(shellQuoted).join(" ");
  return [
    "-nic",
    `user,model=virtio-net-pci,restrict=on,guestfwd=tcp:${guestMirrorAddress}:${port}-cmd:${optionValue(command)}`,
  ];
}

/** qemu runs the guestfwd command with /bin/sh -c. */
function shellQuoted(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
