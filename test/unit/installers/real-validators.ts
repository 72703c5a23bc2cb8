import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Ajv, type ErrorObject } from "ajv";
import { subiquitySchemaPath, validatorPython, validatorsDir } from "./repo-paths.js";

// The real parsers the installers use, run from the tests: pykickstart, debconf-set-selections, subiquity's
// JSON schema and cloud-init's schema. test/validators/install.sh installs them.

export interface Verdict {
  ok: boolean;
  messages: string[];
}

const installHint = "install the validators with: bash test/validators/install.sh";

function runJson<T>(command: string, args: string[], input: unknown): T {
  const run = spawnSync(command, args, {
    input: JSON.stringify(input),
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  if (run.error !== undefined || run.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} failed (${run.error?.message ?? run.stderr}); ${installHint}`,
    );
  }
  return JSON.parse(run.stdout) as T;
}

export interface KickstartToValidate {
  id: string;
  version: string;
  content: string;
}

/** Validates with pykickstart as `ksvalidator -v <version>` would, all in one Python process. */
export function validateKickstarts(items: KickstartToValidate[]): Map<string, Verdict> {
  const script = path.join(validatorsDir, "ksvalidate_many.py");
  const results = runJson<({ id: string } & Verdict)[]>(validatorPython(), [script], items);
  return new Map(results.map((r) => [r.id, { ok: r.ok, messages: r.messages }]));
}

/** `debconf-set-selections --checkonly`; its warnings (e.g. an unknown type) count as failures too. */
export function checkPreseed(content: string): Verdict {
  const dir = mkdtempSync(path.join(tmpdir(), "preseed-"));
  try {
    const file = path.join(dir, "preseed.cfg");
    writeFileSync(file, content);
    const run = spawnSync("debconf-set-selections", ["--checkonly", file], { encoding: "utf8" });
    if (run.error !== undefined)
      throw new Error(`debconf-set-selections: ${run.error.message}; ${installHint}`);
    const messages = run.stderr.split("\n").filter((l) => l.trim() !== "");
    return { ok: run.status === 0 && messages.length === 0, messages };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface CloudConfigToValidate {
  id: string;
  content: string;
}

/** cloud-init's own schema check, with the Python that has cloud-init (Debian's package, not on PyPI). */
export function validateCloudConfigs(items: CloudConfigToValidate[]): Map<string, Verdict> {
  const script = path.join(validatorsDir, "cloudconfig_validate_many.py");
  const python = process.env.CLOUD_INIT_PYTHON ?? "/usr/bin/python3";
  const results = runJson<({ id: string } & Verdict)[]>(python, [script], items);
  return new Map(results.map((r) => [r.id, { ok: r.ok, messages: r.messages }]));
}

/** subiquity's autoinstall JSON schema (draft-07: it names no $schema, and Ajv's default is draft-07). */
export function autoinstallSchemaValidator(): (autoinstall: unknown) => Verdict {
  const schema = JSON.parse(readFileSync(subiquitySchemaPath, "utf8")) as object;
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  return (autoinstall) => {
    const ok = validate(autoinstall);
    return { ok, messages: (validate.errors ?? []).map(describeError) };
  };
}

function describeError(error: ErrorObject): string {
  return `${error.instancePath || "/"} ${error.message ?? "is invalid"} ${JSON.stringify(error.params)}`;
}
