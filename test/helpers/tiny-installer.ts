import { spawn } from "node:child_process";
import { homedir } from "node:os";
import path from "node:path";
import { serveFiles, startServer, type TestServer } from "./http-server.js";
import { repoRoot } from "./paths.js";

export interface TinyInstaller {
  dir: string;
  iso: string;
  sha256sum: string;
}

/** Builds (or reuses) the tiny-installer test ISO in the cache, and says where it is. */
export async function buildTinyInstaller(): Promise<TinyInstaller> {
  const cache = process.env.ROOTFS_CACHE_DIR ?? path.join(homedir(), ".cache", "rootfs-operator");
  const dir = path.join(cache, "fixtures", "tiny-installer");
  await new Promise<void>((resolve, reject) => {
    const child = spawn("bash", [path.join(repoRoot, "test/fixtures/tiny-installer/build.sh"), dir], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`tiny-installer build.sh exited ${code}`)),
    );
  });
  return {
    dir,
    iso: path.join(dir, "tiny-installer.iso"),
    sha256sum: path.join(dir, "tiny-installer.iso.sha256sum"),
  };
}

/**
 * Serves the ISO and its checksum file as examples/tiny.yaml expects them (on 127.0.0.1:8089, the
 * example's URL, unless another port or address is given; port 0 picks a free one).
 */
export function serveTinyInstaller(
  installer: TinyInstaller,
  port = examplePort,
  host = "127.0.0.1",
): Promise<TestServer> {
  return startServer(
    serveFiles({
      "/tiny-installer.iso": installer.iso,
      "/tiny-installer.iso.sha256sum": installer.sha256sum,
    }),
    port,
    host,
  );
}

/** The port in examples/tiny.yaml's URLs. */
export const examplePort = 8089;
