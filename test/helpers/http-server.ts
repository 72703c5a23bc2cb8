import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

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
export function serveBody(body: Buffer): Handler {
  return (req, res) => {
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    const start = range?.[1] ? Number(range[1]) : 0;
    res.writeHead(range ? 206 : 200, {
      "content-length": body.length - start,
      ...(range ? { "content-range": `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
    });
    res.end(body.subarray(start));
  };
}

/** Serves files from a map of URL path → local file, with Range support; 404 otherwise. */
export function serveFiles(files: Record<string, string>): Handler {
  return (req, res) => {
    const file = files[req.url ?? ""];
    if (!file) {
      res.writeHead(404).end("not found");
      return;
    }
    void stat(file).then(({ size }) => {
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
      const start = range?.[1] ? Number(range[1]) : 0;
      res.writeHead(range ? 206 : 200, {
        "content-length": size - start,
        ...(range ? { "content-range": `bytes ${start}-${size - 1}/${size}` } : {}),
      });
      createReadStream(file, { start }).pipe(res);
    });
  };
}
