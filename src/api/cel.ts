import type { z } from "zod";

/**
 * A cross-field rule stated twice, side by side: as CEL for the apiserver (x-kubernetes-validations)
 * and as a TypeScript predicate for the CLI and operator, so both reject the same objects with the
 * same message. Tests apply every rule's counter-example to the real apiserver and to zod.
 */
export interface CrossFieldRule<T> {
  /** CEL expression evaluated with `self` bound to the object the rule is attached to. */
  rule: string;
  message: string;
  /** JSONPath-like field the message is about, relative to the object (e.g. ".checksum"). */
  fieldPath?: string;
  holds: (self: T) => boolean;
}

/** Attaches rules to an object schema: CEL in its JSON Schema metadata, the predicates as zod checks. */
export function withRules<S extends z.ZodType>(schema: S, rules: CrossFieldRule<z.output<S>>[]): S {
  const validations = rules.map(({ rule, message, fieldPath }) =>
    fieldPath ? { rule, message, fieldPath } : { rule, message },
  );
  // Metadata belongs to a schema instance and refinements clone it, so the metadata goes on last.
  const refined = schema.superRefine((value, ctx) => {
    for (const rule of rules) {
      if (rule.holds(value)) continue;
      const path = rule.fieldPath ? rule.fieldPath.replace(/^\./, "").split(".") : [];
      ctx.addIssue({ code: "custom", message: rule.message, path });
    }
  });
  return refined.meta({ ...schema.meta(), "x-kubernetes-validations": validations });
}
