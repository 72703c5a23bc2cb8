// Kubernetes resource quantities and Go-style durations, parsed the same way on both sides of the API:
// the CRD checks them with CEL (`quantity()`), the CLI and operator with these functions.

const binarySuffixes: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
};
const decimalSuffixes: Record<string, number> = { "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 };

/** Accepts the quantities we allow in the spec: a non-negative number with an optional binary or SI suffix. */
export const quantityPattern = "^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$";

/** Bytes in a quantity such as "20Gi" or "512M"; throws on anything `quantityPattern` rejects. */
export function parseQuantity(value: string): number {
  const match = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/.exec(value);
  if (!match) throw new Error(`"${value}" is not a quantity such as 20Gi or 512Mi`);
  const suffix = match[2] ?? "";
  const factor = binarySuffixes[suffix] ?? decimalSuffixes[suffix] ?? 1;
  return Math.round(Number(match[1]) * factor);
}

/** Formats bytes the way kubectl users read sizes: 1.5Gi, 812Mi, 4Ki, 17. */
export function formatBytes(bytes: number): string {
  for (const [suffix, factor] of Object.entries(binarySuffixes).reverse()) {
    if (bytes >= factor) return `${Number((bytes / factor).toFixed(1))}${suffix}`;
  }
  return String(bytes);
}

/** Go-style durations as Kubernetes users write them: 90m, 2h, 1h30m, 45s. */
export const durationPattern = "^([0-9]+h)?([0-9]+m)?([0-9]+s)?$";

/** Milliseconds in a duration such as "1h30m"; throws on anything `durationPattern` rejects. */
export function parseDuration(value: string): number {
  const match = /^(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?$/.exec(value);
  if (!match || value === "") throw new Error(`"${value}" is not a duration such as 90m or 2h`);
  const [, h = "0", m = "0", s = "0"] = match;
  return ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000;
}
