// The layers of src/, bottom first. A module may import from its own folder and from folders in lower
// layers only; folders in one layer are peers and do not import each other. docs/architecture.md
// lists the same layers (a test checks), one line each, with what each holds.
export const layers: readonly (readonly string[])[] = [
  ["lib", "generated", "version.ts"],
  ["reasons", "runtime", "k8s"],
  ["installers", "iso"],
  ["sources"],
  ["api"],
  ["plan"],
  ["steps"],
  ["pipeline"],
  ["controller"],
  ["cli"],
];

/** An import in src/: from one module to another, both relative to src/. */
export interface ImportEdge {
  from: string;
  to: string;
}

/** The top-level part of a src/-relative path: its folder, or the file itself at the top. */
function unitOf(file: string): string {
  return file.split("/")[0] ?? file;
}

/** The imports that run back up (or sideways between peers), as "from → to" lines. */
export function backArrows(edges: readonly ImportEdge[], order: readonly (readonly string[])[]): string[] {
  const rank = new Map(order.flatMap((layer, i) => layer.map((unit) => [unit, i] as const)));
  const found: string[] = [];
  for (const { from, to } of edges) {
    const [a, b] = [unitOf(from), unitOf(to)];
    if (a === b) continue;
    const [ra, rb] = [rank.get(a), rank.get(b)];
    if (ra === undefined || rb === undefined || rb >= ra) found.push(`${from} → ${to}`);
  }
  return found.sort();
}
