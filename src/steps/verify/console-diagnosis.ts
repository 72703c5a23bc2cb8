/** Console lines that say why a verify boot did not pass, with what they mean. */
const diagnoses: [RegExp, string][] = [
  [/ROOTFS-VERIFY-FAILED/, "a basic command of the rootfs failed (uname, id, cat /etc/os-release or ls)"],
  [
    /Failed to execute \/rootfs-check|Requested init \/rootfs-check failed/,
    "the kernel could not run the check script: the rootfs's /bin/sh or a library it needs is missing",
  ],
  [/Initramfs unpacking failed|junk in compressed archive/, "the kernel could not unpack the cgz"],
  [/Kernel panic - not syncing/, "the kernel panicked"],
];

/** What a console line tells about a failed verify, if anything. */
export function diagnoseLine(line: string): string | undefined {
  return diagnoses.find(([pattern]) => pattern.test(line))?.[1];
}
