// The CRDs of the KubeVirt kinds the operator uses: their names and printer columns as virt-operator registers
// them, around a schema derived from the Swagger spec, rendered as YAML.

import { stringify } from "yaml";
import type { CrdOptions, CustomResourceDefinition, PrinterColumn, SwaggerDocument } from "./schema-types.js";
import { structuralSchema } from "./swagger-to-structural.js";

/** Static description of one KubeVirt kind (names, printer columns) as KubeVirt's virt-operator sets it up. */
export interface KubeVirtKind {
  definition: string;
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  statusSubresource: boolean;
  printerColumns: PrinterColumn[];
}

const AGE: PrinterColumn = { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" };
const READY: PrinterColumn = {
  name: "Ready",
  type: "string",
  jsonPath: ".status.conditions[?(@.type=='Ready')].status",
};

/**
 * Names, short names, categories and printer columns as in KubeVirt's
 * pkg/virt-operator/resource/generate/components/crds.go. Note that KubeVirt registers the status
 * subresource for VirtualMachine only: VirtualMachineInstance status is written with ordinary updates.
 */
export const KUBEVIRT_KINDS = {
  VirtualMachine: {
    definition: "v1.VirtualMachine",
    kind: "VirtualMachine",
    plural: "virtualmachines",
    singular: "virtualmachine",
    shortNames: ["vm", "vms"],
    statusSubresource: true,
    printerColumns: [
      AGE,
      {
        name: "Status",
        type: "string",
        jsonPath: ".status.printableStatus",
        description: "Human Readable Status",
      },
      READY,
    ],
  },
  VirtualMachineInstance: {
    definition: "v1.VirtualMachineInstance",
    kind: "VirtualMachineInstance",
    plural: "virtualmachineinstances",
    singular: "virtualmachineinstance",
    shortNames: ["vmi", "vmis"],
    statusSubresource: false,
    printerColumns: [
      AGE,
      { name: "Phase", type: "string", jsonPath: ".status.phase" },
      { name: "IP", type: "string", jsonPath: ".status.interfaces[0].ipAddress" },
      { name: "NodeName", type: "string", jsonPath: ".status.nodeName" },
      READY,
    ],
  },
} as const satisfies Record<string, KubeVirtKind>;

export const KUBEVIRT_GROUP = "kubevirt.io";
export const KUBEVIRT_VERSION = "v1";

/** The CRD for one KubeVirt kind, schema derived from `spec`. */
export function kubevirtCrd(
  spec: SwaggerDocument,
  k: KubeVirtKind,
  options: CrdOptions = {},
): CustomResourceDefinition {
  const { schema } = structuralSchema(spec, k.definition, options);
  const version: CustomResourceDefinition["spec"]["versions"][number] = {
    name: KUBEVIRT_VERSION,
    served: true,
    storage: true,
    schema: { openAPIV3Schema: schema },
  };
  if (k.statusSubresource) version.subresources = { status: {} };
  version.additionalPrinterColumns = k.printerColumns.map((c) => ({ ...c }));
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${k.plural}.${KUBEVIRT_GROUP}` },
    spec: {
      group: KUBEVIRT_GROUP,
      names: {
        kind: k.kind,
        listKind: `${k.kind}List`,
        plural: k.plural,
        singular: k.singular,
        shortNames: [...k.shortNames],
        categories: ["all"],
      },
      scope: "Namespaced",
      versions: [version],
    },
  };
}

/** Render a CRD as a YAML document preceded by `header` (each line becomes a `# ` comment). */
export function crdToYaml(crd: CustomResourceDefinition, header: readonly string[]): string {
  const comments = header.map((l) => (l === "" ? "#" : `# ${l}`)).join("\n");
  const body = stringify(crd, { lineWidth: 0, aliasDuplicateObjects: false });
  return `${comments}\n${body}`;
}
