// The README's main job: builds the tiny-installer ISO, serves it with its checksum file on
// 127.0.0.1:8089 (the URL in examples/tiny.yaml), then runs `rootfs build` and `rootfs verify`
// exactly as a user would.
import { spawn } from "node:child_process";
import path from "node:path";
import { startServer, serveFiles } from "../test/helpers/http-server.js";
import { repoRoot } from "../test/helpers/paths.js";
import { buildTinyInstaller } from "../test/helpers/tiny-installer.js";

const out = path.join(repoRoot, "out", "tiny");
const cli = path.join(repoRoot, "dist", "src", "cli", "main.js");

function rootfs(args: string[]): Promise<number> {
  console.log(`$ rootfs ${args.join(" ")}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: "inherit" });
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

const installer = await buildTinyInstaller();
const server = await startServer(
  serveFiles({ "/tiny-installer.iso": installer.iso, "/tiny-installer.iso.sha256sum": installer.sha256sum }),
  8089,
);
try {
  const built = await rootfs(["build", "-f", path.join(repoRoot, "examples", "tiny.yaml"), "--out", out]);
  const verified = built === 0 ? await rootfs(["verify", out]) : built;
  process.exitCode = verified;
} finally {
  await server.close();
}
