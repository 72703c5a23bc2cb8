// The careful fetcher against a real loopback HTTP server that lies, redirects, drips and sends huge
// bodies: sizes and waits are bounded, redirects and addresses follow the policy, resumes are safe.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { StepFailure } from "../../../src/reasons/step-failure.js";
import {
  expectedDigest,
  fetchVerified,
  trustingPolicy,
  type SourcePolicy,
} from "../../../src/steps/fetch/index.js";
import { backoffMs } from "../../../src/steps/fetch/backoff.js";
import { checkUrl, classifyAddress } from "../../../src/steps/fetch/source-policy.js";
import { serveBody, startServer, type TestServer } from "../../helpers/http-server.js";

const iso = randomBytes(2 * 1024 * 1024 + 5);
const digest = createHash("sha256").update(iso).digest("hex");
const strict: SourcePolicy = {
  allowPlainHTTP: false,
  allowPrivateAddresses: false,
  allowFileURLs: false,
  allowInsecureSkipChecksum: false,
  maxSourceBytes: 32 * 2 ** 30,
};
/** What the tests' loopback servers need, and nothing else. */
const loopback: SourcePolicy = { ...strict, allowPlainHTTP: true, allowPrivateAddresses: true };
const failsWith = (reason: string, pattern: RegExp) => (err: unknown) =>
  err instanceof StepFailure && err.reason === reason && pattern.test(err.message);

describe("fetch: what a source may be", () => {
  test("address classes, IPv4-mapped and NAT64 addresses included", () => {
    const cases: [string, string][] = [
      ["93.184.216.34", "public"],
      ["127.0.0.1", "loopback"],
      ["::1", "loopback"],
      ["10.1.2.3", "private"],
      ["172.20.0.1", "private"],
      ["192.168.1.1", "private"],
      ["100.64.0.1", "private"],
      ["fd00::1", "private"],
      ["169.254.169.254", "link-local"],
      ["fe80::1", "link-local"],
      ["::ffff:169.254.169.254", "link-local"],
      ["::ffff:a9fe:a9fe", "link-local"],
      ["64:ff9b::7f00:1", "loopback"],
      ["0.0.0.0", "reserved"],
      ["224.0.0.1", "reserved"],
      ["2606:4700::1111", "public"],
    ];
    for (const [address, cls] of cases) assert.equal(classifyAddress(address), cls, address);
  });

  test("the operator's default refuses plain http, file://, private and link-local hosts", () => {
    const refused = (url: string, policy: SourcePolicy, from?: string) =>
      assert.throws(
        () => checkUrl(new URL(url), policy, from ? new URL(from) : undefined),
        (err) => err instanceof StepFailure && err.reason === "SourceNotAllowed",
        url,
      );
    refused("http://mirror.example/os.iso", strict);
    refused("file:///etc/shadow", strict);
    refused("https://10.0.0.5/os.iso", strict);
    refused("https://[::1]/os.iso", strict);
    refused("ftp://mirror.example/os.iso", trustingPolicy);
    // Link-local (cloud metadata) and https→http are refused whatever the policy allows.
    refused("http://169.254.169.254/latest/meta-data/", trustingPolicy);
    refused("http://mirror.example/os.iso", trustingPolicy, "https://mirror.example/");
    refused("file:///etc/passwd", trustingPolicy, "https://mirror.example/");
    checkUrl(new URL("https://mirror.example/os.iso"), strict);
    checkUrl(new URL("https://10.0.0.5/os.iso"), { ...strict, allowPrivateAddresses: true });
  });

  test("a host name that resolves to a forbidden address is refused before connecting", async () => {
    const server = await startServer(serveBody(iso));
    try {
      const url = `https://localhost:${new URL(server.url).port}/os.iso`;
      await assert.rejects(
        fetchVerified({ url, checksum: `sha256:${digest}`, cacheDir: tmpdir(), policy: { ...strict } }),
        failsWith(
          "SourceNotAllowed",
          /localhost resolves to a forbidden address \(127\.0\.0\.1 is a loopback/,
        ),
      );
      assert.equal(server.requests.length, 0);
    } finally {
      await server.close();
    }
  });

  test("insecureSkipChecksum is refused unless the policy allows it", async () => {
    await assert.rejects(
      expectedDigest(
        { url: "https://mirror.example/os.iso", insecureSkipChecksum: true },
        {
          policy: strict,
          maxRedirects: 5,
          stallTimeoutMs: 1000,
        },
      ),
      failsWith("SourceNotAllowed", /insecureSkipChecksum is not allowed/),
    );
  });
});

describe("fetch: servers that misbehave", () => {
  let cacheDir: string;
  let server: TestServer | undefined;
  beforeEach(async () => {
    cacheDir = await mkdtemp(path.join(tmpdir(), "fetch-policy-"));
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await rm(cacheDir, { recursive: true, force: true });
  });
  const options = (stallTimeoutMs = 5000) => ({ policy: loopback, maxRedirects: 5, stallTimeoutMs });
  /** The test server's /os.iso, fetched under the loopback policy with `more` options on top. */
  const fetchIso = (sha256: string, more: Partial<Parameters<typeof fetchVerified>[0]> = {}) =>
    fetchVerified({
      url: `${server?.url ?? ""}/os.iso`,
      checksum: `sha256:${sha256}`,
      cacheDir,
      policy: loopback,
      ...more,
    });

  test("a 100 MiB checksum file is cut off after 1 MiB", async () => {
    let sent = 0;
    server = await startServer((_req, res) => {
      res.writeHead(200, { "content-length": 100 * 2 ** 20 });
      const chunk = Buffer.alloc(64 * 1024, "a");
      const pump = () => {
        while (sent < 100 * 2 ** 20 && res.write(chunk)) sent += chunk.length;
        if (sent < 100 * 2 ** 20) res.once("drain", pump);
        else res.end();
      };
      pump();
    });
    const url = `${server.url}/os.iso`;
    await assert.rejects(
      expectedDigest({ url, checksumURL: `${server.url}/SUMS` }, options()),
      failsWith("DownloadFailed", /larger than 1048576 bytes: not a checksum file/),
    );
    assert.ok(sent < 16 * 2 ** 20, `the server got to send ${sent} bytes`);
  });

  test("a checksum file that drips forever fails at its deadline", async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write("a"), 50);
      res.on("close", () => clearInterval(timer));
    });
    const started = Date.now();
    await assert.rejects(
      expectedDigest({ url: `${server.url}/os.iso`, checksumURL: `${server.url}/SUMS` }, options(800)),
      failsWith("DownloadFailed", /did not arrive whole within 0\.8s/),
    );
    assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
  });

  test("a server's own status text never reaches the message", async () => {
    server = await startServer((_req, res) => res.writeHead(500, "Token a1b2c3 leaked").end());
    await assert.rejects(
      expectedDigest({ url: `${server.url}/os.iso`, checksumURL: `${server.url}/SUMS` }, options()),
      (err: unknown) =>
        err instanceof StepFailure &&
        /500 Internal Server Error/.test(err.message) &&
        !/a1b2c3/.test(err.message),
    );
  });

  test("redirects to link-local addresses or to file:// are refused without following them", async () => {
    for (const location of ["http://169.254.169.254/latest/meta-data/", "file:///etc/shadow"]) {
      server = await startServer((_req, res) => res.writeHead(302, { location }).end());
      await assert.rejects(
        fetchIso(digest),
        failsWith("SourceNotAllowed", /link-local address|redirected to a file:\/\/ URL/),
        location,
      );
      await server.close();
      server = undefined;
    }
  });

  test("an ISO larger than the policy's limit is refused on its Content-Length", async () => {
    server = await startServer(serveBody(iso));
    await assert.rejects(
      fetchIso(digest, { policy: { ...loopback, maxSourceBytes: 1024 * 1024 } }),
      failsWith("SourceTooLarge", /larger than the 1048576 bytes this operator accepts/),
    );
  });

  test("an ISO with no Content-Length is cut off at the limit while streaming", async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200);
      res.end(iso);
    });
    await assert.rejects(
      fetchIso(digest, { policy: { ...loopback, maxSourceBytes: 1024 * 1024 } }),
      failsWith("SourceTooLarge", /\(at least 10\d{5}\)/),
    );
  });

  test("a resume whose file changed meanwhile (If-Range) starts over instead of mixing versions", async () => {
    const newer = randomBytes(iso.length);
    let first = true;
    server = await startServer((req, res) => {
      if (first) {
        first = false;
        res.writeHead(200, { "content-length": iso.length, etag: '"old"' });
        res.write(iso.subarray(0, 512 * 1024), () => res.destroy());
        return;
      }
      serveBody(newer, '"new"')(req, res);
    });
    const newerDigest = createHash("sha256").update(newer).digest("hex");
    const got = await fetchIso(newerDigest, { retryDelayMs: 10 });
    assert.equal(got.sha256, newerDigest);
    assert.deepEqual(await readFile(got.path), newer);
    // It did ask to resume; the server's answer to If-Range was the whole new file.
    assert.match(server.requests[1]?.range ?? "", /^bytes=[1-9]\d*-$/);
  });

  test("a 206 that starts elsewhere than asked is thrown away, not appended", async () => {
    let requests = 0;
    server = await startServer((req, res) => {
      requests++;
      if (requests === 1) {
        res.writeHead(200, { "content-length": iso.length, etag: '"v"' });
        res.write(iso.subarray(0, 256 * 1024), () => res.destroy());
      } else if (requests === 2) {
        // A broken cache in front of the mirror: the range it says it sends is not the one asked for.
        res.writeHead(206, {
          etag: '"v"',
          "content-range": `bytes 0-${iso.length - 1}/${iso.length}`,
          "content-length": iso.length,
        });
        res.end(iso);
      } else serveBody(iso, '"v"')(req, res);
    });
    const got = await fetchIso(digest, { retryDelayMs: 10 });
    assert.equal(got.sha256, digest);
    assert.deepEqual(await readFile(got.path), iso);
  });

  test("retries back off, doubling each time", async () => {
    const times: number[] = [];
    server = await startServer((_req, res) => {
      times.push(Date.now());
      res.writeHead(503).end();
    });
    await assert.rejects(
      fetchIso(digest, { retries: 3, retryDelayMs: 100 }),
      failsWith("DownloadFailed", /503/),
    );
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? t));
    assert.equal(gaps.length, 3);
    assert.ok((gaps[0] ?? 0) >= 75 && (gaps[2] ?? 0) >= 300, `gaps ${gaps.join(", ")} ms`);
    assert.equal(
      backoffMs(10, 1000, () => 0.5),
      30_000,
    );
  });
});
