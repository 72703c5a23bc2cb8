// The README's main job, as a user would run it. Builds the tiny-installer ISO and serves it with its
// checksum file on 127.0.0.1:8089 (the URL in examples/tiny.yaml), then, by default, through the
// operator: a local control plane (etcd + kube-apiserver, the test harness's), `rootfs operator
// --backend local`, `kubectl apply -f examples/tiny.yaml`, the build's progress as `kubectl get -w`
// shows it, and `rootfs verify` on what the operator published.
//
//   npm run demo             the operator
//   npm run demo -- --cli    `rootfs build` + `rootfs verify`, no cluster
import { spawn } from "node:child_process";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import { defaultCacheDir } from "../src/cli/commands/build.js";
import { installCrds, startControlPlane, type ControlPlane } from "../test/harness/control-plane.js";
import { startOperatorProcess } from "../test/helpers/operator-process.js";
import { repoRoot } from "../test/helpers/paths.js";
import { buildTinyInstaller, serveTinyInstaller } from "../test/helpers/tiny-installer.js";

const cli = path.join(repoRoot, "dist", "src", "cli", "main.js");
const tinyYaml = path.join(repoRoot, "examples", "tiny.yaml");
/** A path as short as a user would type it: relative below the current directory, else absolute. */
const relative = (p: string) => {
  const r = path.relative(process.cwd(), p);
  return r === "" ? "." : r.startsWith("..") ? p : r;
};
const began = Date.now();
const elapsed = () => `${Math.round((Date.now() - began) / 1000)} s`;

/** Each phase the demo announced and when it began, for the summary of where the time went. */
const phases: { text: string; at: number }[] = [];

function say(text: string): void {
  phases.push({ text, at: Date.now() });
  console.log(`\n==> ${text} [${elapsed()}]`);
}

function timeSummary(): string[] {
  return phases.slice(0, -1).map(({ text, at }, i) => {
    const seconds = Math.round(((phases[i + 1]?.at ?? Date.now()) - at) / 1000);
    return `${String(seconds).padStart(6)} s  ${text}`;
  });
}

function rootfs(args: string[]): Promise<number> {
  console.log(`$ rootfs ${args.join(" ")}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: "inherit" });
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

async function kubectl(cp: ControlPlane, args: string[]): Promise<string> {
  console.log(`$ kubectl ${args.join(" ")}`);
  const result = await cp.kubectl(args, { check: true });
  process.stdout.write(result.stdout);
  return result.stdout;
}

/** `rootfs build` + `rootfs verify` into out/tiny: the pipeline on this machine, no cluster. */
async function cliDemo(): Promise<number> {
  const out = path.join(repoRoot, "out", "tiny");
  const built = await rootfs(["build", "-f", tinyYaml, "--out", relative(out)]);
  return built === 0 ? rootfs(["verify", relative(out)]) : built;
}

/** The same build as a RootfsBuild handed to `rootfs operator --backend local`. */
async function operatorDemo(): Promise<number> {
  const outDir = path.join(repoRoot, "out");
  const storage = path.join(outDir, "storage");
  await mkdir(storage, { recursive: true });

  say("Starting a local control plane (etcd + kube-apiserver)");
  const cp = await startControlPlane();
  const logFile = path.join(outDir, "operator.log");
  try {
    console.log(`API server ${cp.server}; kubeconfig ${cp.kubeconfigPath}`);
    console.log(`$ kubectl apply --server-side -f crds/`);
    await installCrds(cp, [path.join(repoRoot, "crds")]);
    await kubectl(cp, ["create", "namespace", "rootfs-system"]);

    say("Starting the operator with the local backend");
    const operator = await startOperatorProcess({
      kubeconfig: cp.kubeconfigPath,
      storageDir: storage,
      cacheDir: defaultCacheDir(),
      logFile,
    });
    console.log(`$ ${operator.command}`);
    console.log(`(logs in ${relative(logFile)})`);
    try {
      say("Applying examples/tiny.yaml");
      await kubectl(cp, ["apply", "-f", relative(tinyYaml)]);
      const phase = await watchUntilFinished(cp, "tiny");
      await kubectl(cp, ["get", "rfsb", "tiny", "-o", "wide"]);
      if (phase !== "Succeeded") {
        await kubectl(cp, [
          "get",
          "rfsb",
          "tiny",
          "-o",
          'jsonpath={.status.conditions[?(@.type=="Succeeded")].message}{"\\n"}',
        ]);
        console.error(`The build failed; the operator's log is ${relative(logFile)}.`);
        return 1;
      }
      await kubectl(cp, ["get", "rootfsimages"]);

      say("Booting what the operator published");
      const published = path.join(storage, "default", "rootfs-artifacts", "tiny");
      return await rootfs(["verify", relative(published)]);
    } finally {
      await operator.stop();
    }
  } finally {
    await cp.stop();
  }
}

const columns = [
  "NAME:.metadata.name",
  "PHASE:.status.phase",
  "STEP:.status.progress.step",
  "PERCENT:.status.progress.percent",
  "MESSAGE:.status.progress.message",
].join(",");

/**
 * Shows `kubectl get rfsb <name> -w` (repeated rows dropped: most updates touch fields not shown)
 * until the build's Succeeded condition is True or False; returns the final phase.
 */
async function watchUntilFinished(cp: ControlPlane, name: string): Promise<string> {
  const args = ["get", "rfsb", name, "-w", "-o", `custom-columns=${columns}`];
  console.log(`$ kubectl ${args.join(" ")}`);
  const watch = spawn(path.join(cp.binDir, "kubectl"), [`--kubeconfig=${cp.kubeconfigPath}`, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let last = "";
  createInterface({ input: watch.stdout }).on("line", (line) => {
    if (line !== last) console.log(line);
    last = line;
  });
  try {
    for (;;) {
      await new Promise((r) => setTimeout(r, 1000));
      const { stdout } = await cp.kubectl([
        "get",
        "rfsb",
        name,
        "-o",
        'jsonpath={.status.conditions[?(@.type=="Succeeded")].status} {.status.phase}',
      ]);
      const [status, phase = ""] = stdout.split(" ");
      if (status === "True" || status === "False") {
        // Let the watch print the final row before it goes.
        await new Promise((r) => setTimeout(r, 500));
        return phase;
      }
    }
  } finally {
    watch.kill("SIGTERM");
  }
}

const mode = process.argv.includes("--cli") ? "cli" : "operator";
say("Building the tiny-installer ISO (cached after the first run)");
const installer = await buildTinyInstaller();
const server = await serveTinyInstaller(installer);
console.log(`Serving ${relative(installer.iso)} and its .sha256sum on ${server.url}`);
try {
  process.exitCode = mode === "cli" ? await cliDemo() : await operatorDemo();
} finally {
  await server.close();
}
say(process.exitCode === 0 ? `Done (${mode})` : `Failed (${mode})`);
console.log(`Where the time went:\n${timeSummary().join("\n")}`);
