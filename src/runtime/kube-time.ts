// The two timestamp formats the apiserver stores: metav1.Time (conditions, Events, status times) and
// metav1.MicroTime (Lease acquire and renew times).

/** metav1.Time: RFC 3339 in UTC, whole seconds. */
export function kubeTime(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, "Z");
}

/** metav1.MicroTime: RFC 3339 with exactly six fractional digits, as Lease times require. */
export function microTime(d: Date): string {
  return d.toISOString().replace(/Z$/, "000Z");
}
