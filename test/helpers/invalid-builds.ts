// RootfsBuilds that both the apiserver (CRD schema + CEL) and the zod schemas must reject, each with
// the field the error message has to name.
import { rootfsBuild, set, withDistro, type Manifest } from "./builds.js";

export interface InvalidCase {
  why: string;
  build: Manifest;
  /** A field path (as the apiserver writes it) that the error message must contain. */
  field: string;
}

const s3 = { bucket: "rootfs", credentialsSecretRef: { name: "creds" } };

export const invalidBuilds: InvalidCase[] = [
  {
    why: "checksum missing",
    build: rootfsBuild("no-checksum", set("spec.source.iso.checksum", undefined)),
    field: "spec.source.iso.checksum",
  },
  {
    why: "checksum not a sha256 digest",
    build: rootfsBuild("bad-checksum", set("spec.source.iso.checksum", "md5:abc")),
    field: "spec.source.iso.checksum",
  },
  {
    why: "both checksum and checksumURL",
    build: rootfsBuild("two-checksums", set("spec.source.iso.checksumURL", "http://x/y.sha256sum")),
    field: "spec.source.iso.checksumURL",
  },
  { why: "bad arch", build: rootfsBuild("bad-arch", set("spec.os.arch", "riscv64")), field: "spec.os.arch" },
  {
    why: "unknown distro",
    build: rootfsBuild("bad-distro", set("spec.os.distro", "gentoo")),
    field: "spec.os.distro",
  },
  {
    why: "negative disk size",
    build: rootfsBuild("negative-disk", set("spec.install.diskSize", "-20Gi")),
    field: "spec.install.diskSize",
  },
  {
    why: "disk too small to hold an OS",
    build: rootfsBuild("tiny-disk", set("spec.install.diskSize", "100Mi")),
    field: "spec.install.diskSize",
  },
  {
    why: "S3 without credentials",
    build: rootfsBuild("s3-no-creds", set("spec.storage.s3", { bucket: "rootfs" })),
    field: "spec.storage.s3.credentialsSecretRef",
  },
  {
    why: "S3 without a bucket",
    build: rootfsBuild("s3-no-bucket", set("spec.storage.s3", { credentialsSecretRef: { name: "creds" } })),
    field: "spec.storage.s3.bucket",
  },
  {
    why: "storage with neither PVC nor S3",
    build: rootfsBuild("empty-storage", set("spec.storage", {})),
    field: "spec.storage",
  },
  {
    why: "both an ISO and a disk image",
    build: rootfsBuild(
      "two-sources",
      set("spec.source.disk", { url: "http://x/disk.qcow2", checksum: `sha256:${"b".repeat(64)}` }),
    ),
    field: "spec.source",
  },
  {
    why: "URL with an unsupported scheme",
    build: rootfsBuild("ftp-url", set("spec.source.iso.url", "ftp://mirror/os.iso")),
    field: "spec.source.iso.url",
  },
  {
    why: "every output disabled",
    build: rootfsBuild(
      "no-outputs",
      set("spec.outputs", { nfsroot: false, cgz: { enabled: false }, kernel: false }),
    ),
    field: "spec.outputs",
  },
  {
    why: "refresh with a literal checksum",
    build: rootfsBuild("refresh-literal", set("spec.refresh", { interval: "6h" })),
    field: "spec.refresh",
  },
  {
    why: "refresh with a fixed catalog name",
    build: rootfsBuild(
      "refresh-named",
      set("spec.source.iso", { url: "http://x/os.iso", checksumURL: "http://x/os.iso.sha256sum" }),
      set("spec.refresh", { interval: "6h" }),
      set("spec.catalogName", "daily"),
    ),
    field: "spec.catalogName",
  },
  {
    why: "timeout that is not a duration",
    build: rootfsBuild("bad-timeout", set("spec.install.timeout", "two hours")),
    field: "spec.install.timeout",
  },
  {
    why: "PVC subPath escaping the volume",
    build: rootfsBuild(
      "escape-subpath",
      set("spec.storage", { pvc: { claimName: "a", subPath: "x/../../etc" } }),
    ),
    field: "spec.storage.pvc.subPath",
  },
  {
    why: "fragments with a complete answer file",
    build: rootfsBuild(
      "fragments-and-file",
      set("spec.install.answerFile", { fragments: ["skipx"], configMapRef: { name: "ks", key: "ks.cfg" } }),
    ),
    field: "spec.install.answerFile.fragments",
  },
  {
    why: "install mirror the VM cannot read",
    build: rootfsBuild("file-mirror", set("spec.install.network", { mirror: "file:///srv/debian" })),
    field: "spec.install.network.mirror",
  },
  {
    why: "S3 with a bucket name S3 refuses",
    build: rootfsBuild("s3-bad-bucket", set("spec.storage.s3", { ...s3, bucket: "Bad_Bucket" })),
    field: "spec.storage.s3.bucket",
  },
  {
    why: "a Fedora build with an openEuler release",
    build: rootfsBuild("fedora-openeuler-release", withDistro("fedora", "24.03-LTS-SP1")),
    field: "spec.os.release",
  },
  {
    why: "a Debian release no installer profile supports",
    build: rootfsBuild("debian-9", withDistro("debian", "9")),
    field: "spec.os.release",
  },
  {
    why: "an openEuler service pack that does not exist",
    build: rootfsBuild("openeuler-sp9", withDistro("openeuler", "24.03-LTS-SP9")),
    field: "spec.os.release",
  },
  {
    why: "a name longer than 63 characters",
    build: rootfsBuild(`long-${"n".repeat(60)}`),
    field: "metadata.name",
  },
  {
    why: "a name with capitals and an underscore",
    build: rootfsBuild("Fedora_42"),
    field: "metadata.name",
  },
  {
    why: "both an ISO URL and the official source",
    build: rootfsBuild("iso-and-official", set("spec.source.official", {})),
    field: "spec.source",
  },
  {
    why: "an official edition the distribution does not publish",
    build: rootfsBuild(
      "ubuntu-dvd",
      withDistro("ubuntu", "24.04"),
      set("spec.source", { official: { edition: "dvd" } }),
    ),
    field: "spec.source.official.edition",
  },
  {
    why: "an official source for RHEL, whose ISOs need an account",
    build: rootfsBuild("rhel-official", withDistro("rhel", "9"), set("spec.source", { official: {} })),
    field: "spec.source.official",
  },
  {
    why: "daily builds of a distribution without them",
    build: rootfsBuild(
      "fedora-daily",
      withDistro("fedora", "42"),
      set("spec.source", { official: { daily: true } }),
    ),
    field: "spec.source.official.daily",
  },
];
