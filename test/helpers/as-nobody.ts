// Runs a piece of the project as the unprivileged user nobody, from a test running as root. The modules
// are loaded first, as root, and only then does the process drop to nobody: a checkout in a private
// directory (mktemp -d makes it 0700) is then no obstacle, and everything the code does runs as nobody.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);
export const nobody = 65534;

/**
 * Imports `modules` (name → file) as root, drops to nobody (no supplementary groups), then runs `body`,
 * an ES module snippet that may use the imported names. Resolves with its stdout.
 */
export async function runAsNobody(
  modules: Record<string, string>,
  body: string,
  env: NodeJS.ProcessEnv = {},
): Promise<string> {
  const imports = Object.entries(modules)
    .map(([name, file]) => `const ${name} = await import(${JSON.stringify(file)});`)
    .join("\n");
  const script = `${imports}
process.setgroups([]);
process.setgid(${nobody});
process.setuid(${nobody});
${body}`;
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
    env: { PATH: process.env.PATH, ...env },
  });
  return stdout;
}
