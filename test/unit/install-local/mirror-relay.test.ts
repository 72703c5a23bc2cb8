import assert from "node:assert/strict";
import { test } from "node:test";
import { StepFailure } from "../../../src/reasons/step-failure.js";
import { HostHeaderRewriter } from "../../../src/steps/qemu/host-header.js";
import { localMirrorRoute, mirrorNicArgs } from "../../../src/steps/qemu/mirror-relay.js";

test("the local VM reaches the mirror on the relay address, same port and path", () => {
  assert.equal(localMirrorRoute("http://127.0.0.1:8613/debian"), "http://10.0.2.100:8613/debian");
  assert.equal(localMirrorRoute("http://mirror.lab/ubuntu/"), "http://10.0.2.100/ubuntu/");
  assert.throws(
    () => localMirrorRoute("https://mirror.lab/debian"),
    (e: unknown) =>
      e instanceof StepFailure && e.reason === "InvalidSpec" && /use an http:\/\/ mirror/.test(e.message),
  );
});

test("a restricted user network with one per-connection relay to the mirror", () => {
  const [flag, nic] = mirrorNicArgs("http://127.0.0.1:8613/debian");
  assert.equal(flag, "-nic");
  assert.match(nic ?? "", /^user,model=virtio-net-pci,restrict=on,guestfwd=tcp:10\.0\.2\.100:8613-cmd:/);
  assert.match(nic ?? "", /'[^']*relay-connection\.js' '127\.0\.0\.1' '8613' '127\.0\.0\.1:8613'$/);
});

test("requests reach the mirror under its own name; bodies and later requests pass as they are", () => {
  const rewriter = new HostHeaderRewriter("deb.debian.org");
  const sent = [
    "GET /debian/dists/bookworm/Release HTTP/1.1\r\nHost: 10.0.2.100\r\nUser-Agent: Debian APT-HTTP/1.3\r\n\r\nGET /debian/d",
    "ists/x HTTP/1.1\r\nhost: 10.0.2.100\r\n\r\nPOST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\nHost:",
    "GET /y HTTP/1.0\r\n\r\n",
  ]
    .map((chunk) => rewriter.push(Buffer.from(chunk)).toString())
    .join("");
  assert.equal(
    sent,
    "GET /debian/dists/bookworm/Release HTTP/1.1\r\nHost: deb.debian.org\r\nUser-Agent: Debian APT-HTTP/1.3\r\n\r\n" +
      "GET /debian/dists/x HTTP/1.1\r\nHost: deb.debian.org\r\n\r\n" +
      "POST /x HTTP/1.1\r\nHost: deb.debian.org\r\nContent-Length: 5\r\n\r\nHost:" +
      "GET /y HTTP/1.0\r\nHost: deb.debian.org\r\n\r\n",
  );
});
