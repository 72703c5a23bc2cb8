// The chart's kubeApi values: passed to the operator as --kube-api-qps / --kube-api-burst only when set
// (the operator's own defaults otherwise), in the one-argument form a negative QPS needs.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { kubeApiRateLimit } from "../../../src/cli/commands/operator.js";
import { chartDir, helmWithValues, only, renderChart } from "./chart.js";

interface Deployment {
  spec: { template: { spec: { containers: { args: string[] }[] } } };
}

/** The value of `--name=value` in `args`, as the operator's parseArgs reads it. */
const flag = (args: string[], name: string): string =>
  args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? "";

const argsOf = async (values?: unknown): Promise<string[]> => {
  const { objects } = await renderChart(values);
  return only<Deployment>(objects, "Deployment").spec.template.spec.containers[0]?.args ?? [];
};

describe("Helm chart: kubeApi", () => {
  test("unset, no flag: the operator's defaults apply", async () => {
    const args = await argsOf();
    assert.ok(!args.some((a) => a.startsWith("--kube-api-")), args.join(" "));
  });

  test("set, each key becomes its flag before --workers, read back by the operator", async () => {
    const args = await argsOf({ kubeApi: { qps: 50, burst: 100 } });
    assert.deepEqual(args.slice(-4), ["--kube-api-qps=50", "--kube-api-burst=100", "--workers", "4"]);
    assert.deepEqual(kubeApiRateLimit(flag(args, "kube-api-qps"), flag(args, "kube-api-burst")), {
      qps: 50,
      burst: 100,
    });
    assert.deepEqual((await argsOf({ kubeApi: { qps: 2.5 } })).slice(-3), [
      "--kube-api-qps=2.5",
      "--workers",
      "4",
    ]);
    const off = await argsOf({ kubeApi: { qps: -1 } });
    assert.equal(kubeApiRateLimit(flag(off, "kube-api-qps"), "30"), false, "limit off");
  });

  test("the schema rejects a burst below 1 and unknown keys", async () => {
    for (const [values, message] of [
      [{ kubeApi: { burst: 0 } }, "at '/kubeApi/burst': minimum: got 0, want 1"],
      [{ kubeApi: { burst: 1.5 } }, "at '/kubeApi/burst': got number, want integer"],
      [{ kubeApi: { qps: "20" } }, "at '/kubeApi/qps': got string, want number"],
      [{ kubeApi: { rate: 20 } }, "at '/kubeApi': additional properties 'rate' not allowed"],
    ] as const) {
      const result = await helmWithValues(["template", "x", chartDir], values);
      assert.notEqual(result.code, 0, `${JSON.stringify(values)}: accepted`);
      assert.ok(result.stderr.includes(message), `"${message}" not in:\n${result.stderr}`);
    }
  });
});
