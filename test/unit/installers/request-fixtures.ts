import type { AnswerFileRequest, Arch, Distro } from "../../../src/installers/request.js";

// A base request plus modifiers: answerFileRequest("rocky", "9", "x86_64", withPackages("vim")).

export type RequestModifier = (request: AnswerFileRequest) => void;

export function answerFileRequest(
  distro: Distro,
  release: string,
  arch: Arch,
  ...modifiers: RequestModifier[]
): AnswerFileRequest {
  const request: AnswerFileRequest = {
    distro,
    release,
    arch,
    packages: [],
    rootPassword: { kind: "locked" },
    selinux: "disabled",
    rootFsType: "ext4",
    fragments: [],
  };
  for (const modify of modifiers) modify(request);
  return request;
}

// sha512crypt of "rootfs", made with `openssl passwd -6 -salt rootfsop rootfs`.
export const sampleRootHash =
  "$6$rootfsop$Y2zYEhWMdMutcNlPA.lCypP2k9.9ZAAT4/K2.MSpE4.LUjUMhEgy0Z337WHn8/qsFWMiq.ozdlGwnZ1ma.ryK/";

export const withPackages =
  (...names: string[]): RequestModifier =>
  (r) => {
    r.packages.push(...names);
  };

export const withFragment =
  (text: string): RequestModifier =>
  (r) => {
    r.fragments.push(text);
  };

export const withRootHash =
  (hash = sampleRootHash): RequestModifier =>
  (r) => {
    r.rootPassword = { kind: "hash", hash };
  };

export const withUserAnswerFile =
  (text: string): RequestModifier =>
  (r) => {
    r.userAnswerFile = text;
  };

export const withRootFs =
  (fs: AnswerFileRequest["rootFsType"]): RequestModifier =>
  (r) => {
    r.rootFsType = fs;
  };

export const withSelinux =
  (mode: AnswerFileRequest["selinux"]): RequestModifier =>
  (r) => {
    r.selinux = mode;
  };

export const withMirror =
  (url: string, insecureSkipSignature = false): RequestModifier =>
  (r) => {
    r.mirror = { url, insecureSkipSignature };
  };
