import { connect, Socket } from "node:net";

// One guest connection to the mirror (see mirror-relay.ts). qemu (libslirp) starts this with one end of a
// socket pair as stdin, stdout and stderr, so nothing may be printed: every byte written there goes to the
// guest. It connects to HOST PORT and copies bytes both ways, passing on each side's end, then exits.
// Usage: node relay-connection.js HOST PORT

const [host, port] = process.argv.slice(2);
if (host === undefined || !/^\d+$/.test(port ?? "")) process.exit(64);
const guest = new Socket({ fd: 0, readable: true, writable: true });
const upstream = connect({ host, port: Number(port) });
guest.pipe(upstream);
upstream.pipe(guest);
// A failure on either side ends the connection on both; the guest sees the mirror close.
for (const side of [guest, upstream]) side.on("error", () => process.exit(1));
