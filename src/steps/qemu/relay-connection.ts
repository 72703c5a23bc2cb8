import { connect, Socket } from "node:net";
import { HostHeaderRewriter } from "./host-header.js";

// One guest connection to the mirror (see mirror-relay.ts). qemu (libslirp) starts this with one end of a
// socket pair as stdin, stdout and stderr, so nothing may be printed: every byte written there goes to the
// guest. It connects to HOST PORT and copies bytes both ways, the requests' Host header set to HOST_HEADER,
// passing on each side's end, then exits.
// Usage: node relay-connection.js HOST PORT HOST_HEADER

const [host, port, hostHeader] = process.argv.slice(2);
if (host === undefined || hostHeader === undefined || !/^\d+$/.test(port ?? "")) process.exit(64);
const guest = new Socket({ fd: 0, readable: true, writable: true });
const upstream = connect({ host, port: Number(port) });
const requests = new HostHeaderRewriter(hostHeader);
guest.on("data", (chunk: Buffer) => {
  if (!upstream.write(requests.push(chunk))) guest.pause();
});
upstream.on("drain", () => guest.resume());
guest.on("end", () => upstream.end());
upstream.pipe(guest);
// A failure on either side ends the connection on both; the guest sees the mirror close.
for (const side of [guest, upstream]) side.on("error", () => process.exit(1));
