import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { digestFromChecksumFile } from "../../../src/steps/fetch/checksum-file.js";
import { fetchVerified } from "../../../src/steps/fetch/index.js";
import { StepFailure } from "../../../src/reasons/step-failure.js";
import { serveBody, startServer, type TestServer } from "../../helpers/http-server.js";

const iso = randomBytes(3 * 1024 * 1024 + 17);
const digest = createHash("sha256").update(iso).digest("hex");

describe("fetch step", () => {
  let cacheDir: string;
  let server: TestServer | undefined;
  beforeEach(async () => {
    cacheDir = await mkdtemp(path.join(tmpdir(), "fetch-"));
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await rm(cacheDir, { recursive: true, force: true });
  });

  const cacheContents = async () => {
    const dirs = await readdir(cacheDir);
    const files = await Promise.all(
      dirs.map(async (d) => (await readdir(path.join(cacheDir, d))).map((f) => `${d}/${f}`)),
    );
    return files.flat();
  };

  test("downloads, verifies, caches by sha256 and reuses the cache", async () => {
    server = await startServer(serveBody(iso));
    const events: number[] = [];
    const first = await fetchVerified({
      url: `${server.url}/os.iso`,
      checksum: `sha256:${digest}`,
      cacheDir,
      onProgress: (e) => e.kind === "bytes" && events.push(e.done),
    });
    assert.equal(first.cached, false);
    assert.equal(first.path, path.join(cacheDir, "sha256", digest));
    assert.deepEqual(await readFile(first.path), iso);
    assert.equal(events.at(-1), iso.length);
    const second = await fetchVerified({
      url: `${server.url}/os.iso`,
      checksum: `sha256:${digest}`,
      cacheDir,
    });
    assert.equal(second.cached, true);
    assert.equal(server.requests.length, 1);
  });

  test("reads the digest from a sha256sum file next to the ISO", async () => {
    server = await startServer((req, res) => {
      if (req.url === "/os.iso.sha256sum") res.end(`${digest}  os.iso\n`);
      else serveBody(iso)(req, res);
    });
    const got = await fetchVerified({
      url: `${server.url}/os.iso`,
      checksumURL: `${server.url}/os.iso.sha256sum`,
      cacheDir,
    });
    assert.equal(got.sha256, digest);
  });

  test("a checksum mismatch leaves nothing in the cache", async () => {
    server = await startServer(serveBody(iso));
    await assert.rejects(
      fetchVerified({ url: `${server.url}/os.iso`, checksum: `sha256:${"0".repeat(64)}`, cacheDir }),
      (err: unknown) =>
        err instanceof StepFailure &&
        err.reason === "ChecksumMismatch" &&
        /expected sha256:0{64}, got sha256:/.test(err.message),
    );
    assert.deepEqual(await cacheContents(), []);
  });

  test("a 404 fails with DownloadFailed and leaves nothing behind", async () => {
    server = await startServer((_req, res) => res.writeHead(404).end());
    await assert.rejects(
      fetchVerified({ url: `${server.url}/missing.iso`, checksum: `sha256:${digest}`, cacheDir }),
      (err: unknown) =>
        err instanceof StepFailure && err.reason === "DownloadFailed" && /404/.test(err.message),
    );
    assert.deepEqual(await cacheContents(), []);
  });

  test("a download cut off mid-way resumes with a Range request", async () => {
    let cut = false;
    server = await startServer((req, res) => {
      if (!cut) {
        cut = true;
        res.writeHead(200, { "content-length": iso.length, etag: '"v1"' });
        res.write(iso.subarray(0, 1024 * 1024), () => res.destroy());
        return;
      }
      serveBody(iso, '"v1"')(req, res);
    });
    const got = await fetchVerified({ url: `${server.url}/os.iso`, checksum: `sha256:${digest}`, cacheDir });
    assert.equal(got.sha256, digest);
    assert.match(server.requests[1]?.range ?? "", /^bytes=\d+-$/);
    assert.ok(Number(/\d+/.exec(server.requests[1]?.range ?? "")?.[0]) > 0);
  });

  test("a stalled server times out and keeps the partial file for a later resume", async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { "content-length": iso.length });
      res.write(iso.subarray(0, 1000));
    });
    await assert.rejects(
      fetchVerified({
        url: `${server.url}/os.iso`,
        checksum: `sha256:${digest}`,
        cacheDir,
        stallTimeoutMs: 300,
        retries: 1,
      }),
      (err: unknown) =>
        err instanceof StepFailure && err.reason === "DownloadFailed" && /no data for 0.3s/.test(err.message),
    );
    assert.deepEqual(await cacheContents(), [`partial/${digest}`]);
  });

  test("redirects are followed but bounded", async () => {
    server = await startServer((req, res) => res.writeHead(302, { location: `${req.url}x` }).end());
    await assert.rejects(
      fetchVerified({ url: `${server.url}/a`, checksum: `sha256:${digest}`, cacheDir, maxRedirects: 3 }),
      /redirected more than 3 times/,
    );
  });
});

describe("checksum files", () => {
  const hex = "ab".repeat(32);
  test("GNU sha256sum lines pick the named file", () => {
    assert.equal(digestFromChecksumFile(`${"cd".repeat(32)}  other.iso\n${hex} *os.iso\n`, "os.iso"), hex);
  });
  test("BSD/Fedora CHECKSUM lines inside PGP armour", () => {
    const text = `-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n# os.iso: 123 bytes\nSHA256 (os.iso) = ${hex}\n-----BEGIN PGP SIGNATURE-----\n`;
    assert.equal(digestFromChecksumFile(text, "os.iso"), hex);
  });
  test("a single bare digest", () => {
    assert.equal(digestFromChecksumFile(`${hex}\n`, "os.iso"), hex);
  });
  test("a file without the ISO's line says so, without echoing what the server listed", () => {
    assert.throws(
      () => digestFromChecksumFile(`${hex}  a.iso\n${hex}  b.iso\n`, "os.iso"),
      (err: Error) =>
        /no line for os\.iso \(it lists 2 other files\)/.test(err.message) && !/a\.iso/.test(err.message),
    );
  });
});
