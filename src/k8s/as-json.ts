/**
 * A client-node model (V1JobStatus, V1PodStatus, …) as the apiserver's JSON carries it. client-node
 * types timestamps as Date because its ObjectSerializer turns them into Dates; src/runtime's client
 * parses plain JSON, so in the objects we read they stay RFC 3339 strings.
 */
export type AsJson<T> = T extends Date
  ? string
  : T extends (infer E)[]
    ? AsJson<E>[]
    : T extends object
      ? { [K in keyof T]: AsJson<T[K]> }
      : T;
