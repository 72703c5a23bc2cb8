/** Console lines that say why a verify boot did not pass, with what they mean. */
const diagnoses: [RegExp, string][] = [
  [/ROOTFS-VERIFY-FAILED/, "a basic command of the rootfs failed (uname, id, cat /etc/os-release or ls)"],
  [
    /Failed to execute \/rootfs-check|Requested init \/rootfs-check failed/,
    "the kernel could not run the check script: the rootfs's /bin/sh or a library it needs is missing",
  ],
  [/Initramfs unpacking failed|junk in compressed archive/, "the kernel could not unpack the cgz"],
  [
    /Failed to execute \/sbin\/init|Requested init \/sbin\/init failed/,
    "the kernel could not run the rootfs's /sbin/init: it has no init system (verify it without --systemd)",
  ],
  [
    /You are in emergency mode|Entering emergency mode/,
    "systemd could not reach multi-user.target and entered emergency mode",
  ],
  [/Freezing execution/, "systemd crashed"],
  [/Kernel panic - not syncing/, "the kernel panicked"],
];

/** What a console line tells about a failed verify, if anything. */
export function diagnoseLine(line: string): string | undefined {
  return diagnoses.find(([pattern]) => pattern.test(line))?.[1];
}
