import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface TestServer {
  url: string;
  requests: { url: string; range?: string }[];
  close(): Promise<void>;
}

/**
 * An HTTP server on 127.0.0.1 (or `host`) with a random port; every request is recorded before `handle`
 * runs.
 */
export async function startServer(handle: Handler, port = 0, host = "127.0.0.1"): Promise<TestServer> {
  const requests: TestServer["requests"] = [];
  const server = createServer((req, res) => {
    requests.push({ url: req.url ?? "", range: req.headers.range });
    handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Serves one in-memory or on-disk body with Range support, like a static file server. */
export function serveBody(body: Buffer, etag = `"${body.length}"`): Handler {
  return (req, res) => {
    const range = rangeStart(req, etag);
    const start = range ?? 0;
    res.writeHead(range !== undefined ? 206 : 200, {
      etag,
      "content-length": body.length - start,
      ...(range !== undefined ? { "content-range": `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
    });
    res.end(body.subarray(start));
  };
}

/**
 * Where a "Range: bytes=N-" request starts, as a static file server honours it: only when its If-Range
 * (if any) still names the current `etag`; otherwise the whole file is sent (undefined).
 */
export function rangeStart(req: IncomingMessage, etag: string): number | undefined {
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
  const ifRange = req.headers["if-range"];
  if (!range?.[1] || (ifRange !== undefined && ifRange !== etag)) return undefined;
  return Number(range[1]);
}

/** Serves files from a map of URL path → local file, with Range support; 404 otherwise. */
export function serveFiles(files: Record<string, string>): Handler {
  return (req, res) => {
    const file = files[req.url ?? ""];
    if (!file) {
      res.writeHead(404).end("not found");
      return;
    }
    void stat(file).then(({ size, mtimeMs }) => {
      const etag = `"${size}-${Math.floor(mtimeMs)}"`;
      const range = rangeStart(req, etag);
      const start = range ?? 0;
      res.writeHead(range !== undefined ? 206 : 200, {
        etag,
        "content-length": size - start,
        ...(range !== undefined ? { "content-range": `bytes ${start}-${size - 1}/${size}` } : {}),
      });
      createReadStream(file, { start }).pipe(res);
    });
  };
}

/** Serves the files under `root` (a directory), with Range support; 404 for anything else. */
export function serveDirectory(root: string): Handler {
  const base = path.resolve(root);
  return (req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const file = path.resolve(base, `.${urlPath}`);
    const inside = file.startsWith(`${base}${path.sep}`);
    void stat(file)
      .then((info) =>
        inside && info.isFile() ? serveFiles({ [req.url ?? ""]: file })(req, res) : notFound(),
      )
      .catch(notFound);
    function notFound() {
      res.writeHead(404).end("not found");
    }
  };
}
