import { z } from "zod";
import { editions } from "../sources/editions.js";
import { withRules } from "./cel.js";
import {
  configMapKeyRef,
  dnsLabel,
  dnsSubdomain,
  duration,
  httpUrl,
  osIdentity,
  quantity,
  relativePath,
  secretKeyRef,
  sha256Digest,
} from "./common.js";
import { officialSourceRules, releaseRules } from "./release-rules.js";

const isoSource = withRules(
  z
    .strictObject({
      url: httpUrl("URL of the installer ISO (http, https or file)."),
      checksum: sha256Digest
        .optional()
        .describe('Expected digest of the ISO, e.g. "sha256:3f0c…". Use this or checksumURL.'),
      checksumURL: httpUrl(
        "URL of a checksum file in sha256sum format, such as openEuler's <iso>.sha256sum; the line naming the ISO's file name (or the only line) is used. Required for spec.refresh.",
      ).optional(),
      insecureSkipChecksum: z
        .boolean()
        .optional()
        .describe("Accept the ISO without verifying it. Only for throwaway experiments."),
    })
    .describe("An installer ISO fetched by URL and verified against a checksum."),
  [
    {
      rule: "has(self.checksum) || has(self.checksumURL) || (has(self.insecureSkipChecksum) && self.insecureSkipChecksum)",
      message: "set checksum (sha256:<hex>) or checksumURL, or insecureSkipChecksum: true",
      fieldPath: ".checksum",
      holds: (s) =>
        s.checksum !== undefined || s.checksumURL !== undefined || s.insecureSkipChecksum === true,
    },
    {
      rule: "!(has(self.checksum) && has(self.checksumURL))",
      message: "set only one of checksum and checksumURL",
      fieldPath: ".checksumURL",
      holds: (s) => !(s.checksum !== undefined && s.checksumURL !== undefined),
    },
  ],
);

const diskSource = z
  .strictObject({
    url: httpUrl("URL of an installed disk image (qcow2 or raw) to extract directly, skipping the install."),
    checksum: sha256Digest.describe('Expected digest of the image, e.g. "sha256:3f0c…".'),
    format: z.enum(["qcow2", "raw"]).default("qcow2").describe("Disk image format."),
  })
  .describe("An existing installed disk image: the build extracts it without installing.");

const officialSource = z
  .strictObject({
    edition: z
      .enum(editions)
      .optional()
      .describe(
        "Which image: dvd, everything, netinst, minimal or live-server, as the distribution publishes them (rootfs sources lists them); default: the distribution's first.",
      ),
    mirror: httpUrl(
      "A site mirror that replaces the official root URL (rootfs sources shows it) and keeps the tree below it.",
    ).optional(),
    daily: z
      .boolean()
      .optional()
      .describe("The newest daily build instead of the release (openEuler); follow it with spec.refresh."),
  })
  .describe(
    "The distribution's own ISO for spec.os, found without a URL: the operator resolves it to the ISO's URL and its checksum file.",
  );

export const source = withRules(
  z
    .strictObject({
      iso: isoSource.optional(),
      disk: diskSource.optional(),
      official: officialSource.optional(),
    })
    .describe(
      "What to build from: an installer ISO by URL, the distribution's official ISO, or an existing disk image.",
    ),
  [
    {
      rule: "[has(self.iso), has(self.disk), has(self.official)].filter(x, x).size() == 1",
      message: "set exactly one of iso, official and disk",
      holds: (s) => [s.iso, s.disk, s.official].filter((x) => x !== undefined).length === 1,
    },
  ],
);

const answerFile = withRules(
  z
    .strictObject({
      fragments: z
        .array(z.string().min(1).max(65536))
        .max(16)
        .default([])
        .describe(
          "Answer-file fragments appended to the generated one: kickstart commands or sections, preseed lines, or autoinstall YAML merged into the autoinstall mapping.",
        ),
      configMapRef: configMapKeyRef(
        "A complete answer file that replaces the generated one. It is validated like a generated one.",
      ).optional(),
    })
    .describe("Customisations of the generated answer file (kickstart, preseed or autoinstall)."),
  [
    {
      rule: "!(has(self.configMapRef) && has(self.fragments) && size(self.fragments) > 0)",
      message: "fragments cannot be combined with a complete answer file from configMapRef",
      fieldPath: ".fragments",
      holds: (s) => !(s.configMapRef !== undefined && s.fragments.length > 0),
    },
  ],
);

const installNetwork = withRules(
  z
    .strictObject({
      mirror: httpUrl(
        "The one package mirror the install VM may reach, as this machine (local builds) or the pod network (cluster builds) reaches it: a Debian or Ubuntu archive root (http://host/debian), or an anaconda installation tree (the BaseOS URL).",
      ),
      insecureSkipSignature: z
        .boolean()
        .default(false)
        .describe(
          "Accept a mirror whose package lists are not signed with the distribution's keys (a local test mirror). Debian only.",
        ),
    })
    .describe(
      "Install from a network mirror instead of the ISO. The install VM gets a network that reaches this mirror and nothing else; without it the install is offline and takes every package from the ISO.",
    ),
  [
    {
      rule: "!self.mirror.startsWith('file:')",
      message: "the install VM cannot read file:// URLs; serve the mirror over http or https",
      fieldPath: ".mirror",
      holds: (n) => !n.mirror.startsWith("file:"),
    },
  ],
);

const install = z
  .strictObject({
    packages: z
      .array(
        z
          .string()
          .min(1)
          .max(128)
          .regex(/^[A-Za-z0-9@][A-Za-z0-9._+:@-]*$/, "must be a package or group name"),
      )
      .max(512)
      .default([])
      .describe("Extra packages (or @groups for kickstart) to install."),
    answerFile: answerFile.optional(),
    rootPassword: z
      .strictObject({
        secretKeyRef: secretKeyRef(
          "Secret key holding a crypt(3) hash such as $6$…; never a plain password.",
        ),
      })
      .optional()
      .describe("Root password of the rootfs. Without it, root is locked."),
    selinux: z
      .enum(["disabled", "permissive", "enforcing"])
      .default("disabled")
      .describe(
        "SELinux mode of the installed system (kickstart distributions). nfsroot and cgz boots want disabled.",
      ),
    rootFsType: z
      .enum(["ext4", "xfs"])
      .default("ext4")
      .describe("Filesystem of the installed root partition."),
    network: installNetwork.optional(),
    diskSize: quantity("Size of the blank disk the installer installs onto.", "2Gi").default("20Gi"),
    timeout: duration("Longest the install may run before the VM is stopped and the build fails.").default(
      "2h",
    ),
    vm: z
      .strictObject({
        cpu: z.int().min(1).max(64).default(2).describe("Virtual CPUs of the install VM."),
        memory: quantity("Memory of the install VM.", "1Gi").default("4Gi"),
      })
      .prefault({})
      .describe("Resources of the install VM."),
  })
  .describe("How the unattended install runs.");

const compression = z.enum(["gzip", "zstd", "none"]);

const outputs = withRules(
  z
    .strictObject({
      nfsroot: z.boolean().default(true).describe("A directory tree to export over NFS and boot as root."),
      cgz: z
        .strictObject({
          enabled: z.boolean().default(true).describe("Produce the initramfs archive."),
          compression: compression
            .default("gzip")
            .describe("Compression of the newc cpio: gzip (what compass-ci expects), zstd or none."),
        })
        .prefault({})
        .describe("The whole rootfs as an initramfs (.cgz: compressed newc cpio), booted from memory."),
      kernel: z.boolean().default(true).describe("Copy the kernel and its initrd out of /boot."),
      tarball: z
        .strictObject({
          enabled: z.boolean().default(false).describe("Produce a tarball of the rootfs."),
          compression: compression.default("gzip").describe("Compression of the tarball."),
        })
        .prefault({})
        .describe("The rootfs as a tar archive, with xattrs and ACLs."),
      qcow2: z.boolean().default(false).describe("Keep the installed disk as a qcow2 image."),
      layout: z
        .enum(["flat", "compass-ci"])
        .default("flat")
        .describe(
          "flat: rootfs/, rootfs.cgz, vmlinuz, initrd.img, manifest.json. compass-ci: os/<distro>/<arch>/<release>-iso-<timestamp>/ and initrd/osimage/<distro>/<arch>/<release>/<date>.<n>.cgz.",
        ),
      postProcess: z
        .strictObject({
          commentFstab: z
            .boolean()
            .default(true)
            .describe("Comment out /etc/fstab entries (the root comes from NFS or memory)."),
          disableSelinux: z.boolean().default(true).describe("Set SELINUX=disabled in /etc/selinux/config."),
          emptyMachineId: z
            .boolean()
            .default(true)
            .describe("Empty /etc/machine-id so each boot gets its own."),
          sshHostKeys: z
            .enum(["remove", "restrict", "keep"])
            .default("remove")
            .describe("remove: regenerated at first boot; restrict: keep with mode 600; keep: untouched."),
        })
        .prefault({})
        .describe("Changes that make the rootfs boot diskless."),
    })
    .describe("What to produce from the installed disk."),
  [
    {
      rule: "self.nfsroot || self.cgz.enabled || self.kernel || self.tarball.enabled || self.qcow2",
      message: "enable at least one output",
      holds: (s) => s.nfsroot || s.cgz.enabled || s.kernel || s.tarball.enabled || s.qcow2,
    },
    {
      rule: "self.layout != 'compass-ci' || self.nfsroot || self.cgz.enabled",
      message: "the compass-ci layout needs nfsroot or cgz",
      fieldPath: ".layout",
      holds: (s) => s.layout !== "compass-ci" || s.nfsroot || s.cgz.enabled,
    },
  ],
);

const s3 = z
  .strictObject({
    bucket: z
      .string()
      .min(3)
      .max(63)
      .regex(/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, "must be an S3 bucket name")
      .describe("Bucket the artifacts are uploaded to."),
    prefix: z.string().max(512).default("").describe("Key prefix inside the bucket."),
    endpoint: httpUrl("S3 endpoint URL; empty means AWS.").optional(),
    region: z.string().min(1).max(64).default("us-east-1").describe("Region of the bucket."),
    forcePathStyle: z
      .boolean()
      .default(true)
      .describe("Address the bucket in the path (most S3-compatible servers want this)."),
    credentialsSecretRef: z
      .strictObject({ name: dnsSubdomain("Secret with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.") })
      .describe("Secret holding the S3 credentials."),
  })
  .describe("Upload the artifacts to an S3-compatible bucket.");

const storage = withRules(
  z
    .strictObject({
      pvc: z
        .strictObject({
          claimName: dnsSubdomain(
            "PersistentVolumeClaim in the build's namespace that receives the artifacts.",
          ),
          subPath: relativePath("Directory inside the claim.").default(""),
        })
        .describe("Write the artifacts to a PVC; its nfsroot tree is what an NFS server exports.")
        .optional(),
      s3: s3.optional(),
    })
    .describe("Where the artifacts are published. Defaults come from the operator's configuration."),
  [
    {
      rule: "has(self.pvc) || has(self.s3)",
      message: "set pvc, s3 or both",
      holds: (s) => s.pvc !== undefined || s.s3 !== undefined,
    },
  ],
);

const refresh = z
  .strictObject({
    interval: duration("How often to re-resolve the checksum URL; a changed ISO starts a new build."),
    keep: z
      .int()
      .min(1)
      .max(100)
      .default(3)
      .describe(
        "How many catalog entries of earlier ISOs to keep besides the current one; older entries this build made are deleted, with their artifacts where the backend can, unless a build still uses them.",
      ),
  })
  .describe("Rebuild when a daily-build ISO changes.");

export const rootfsBuildSpec = withRules(
  z
    .strictObject({
      source,
      os: withRules(osIdentity, releaseRules).describe("The operating system the ISO installs."),
      install: install.prefault({}),
      outputs: outputs.prefault({}),
      storage: storage.optional(),
      refresh: refresh.optional(),
      catalogName: dnsLabel(
        "Name of the catalog entry; generated from the OS and build key when empty.",
      ).optional(),
    })
    .describe(
      "Desired rootfs: where the ISO comes from, how it installs, what to produce and where to put it.",
    ),
  [
    {
      rule: "!has(self.refresh) || has(self.source.official) || (has(self.source.iso) && has(self.source.iso.checksumURL))",
      message: "refresh needs source.iso.checksumURL or source.official: a literal checksum never changes",
      fieldPath: ".refresh",
      holds: (s) =>
        s.refresh === undefined || s.source.official !== undefined || s.source.iso?.checksumURL !== undefined,
    },
    ...officialSourceRules,
    {
      rule: "!has(self.refresh) || !has(self.catalogName)",
      message: "refresh publishes one catalog entry per ISO, so it cannot use one fixed catalogName",
      fieldPath: ".catalogName",
      holds: (s) => s.refresh === undefined || s.catalogName === undefined,
    },
  ],
);

export type RootfsBuildSpec = z.output<typeof rootfsBuildSpec>;
