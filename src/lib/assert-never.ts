/** Ends an exhaustive switch: adding a union member makes every switch that misses it a compile error. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
