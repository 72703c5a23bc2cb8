import { checkedMirror } from "./mirror.js";
import { preseedLine, type PreseedEntry } from "./preseed-document.js";
import type { AnswerFileRequest } from "./request.js";

// Where debian-installer takes packages from. Offline (the default), everything comes from the installer
// medium: no network is configured and no mirror or update service is asked for, so a VM without a network
// card installs without stopping at "No network interfaces detected". With a mirror, the network is set up
// by DHCP and that one mirror serves the base system and every package.

const d = (question: string, type: string, value: string) => preseedLine("d-i", question, type, value);

export function preseedSource(request: AnswerFileRequest): PreseedEntry[] {
  const mirror = checkedMirror(request);
  // Security and updates services live on other hosts the install VM cannot reach either way.
  const common = [d("apt-setup/services-select", "multiselect", "")];
  if (mirror === undefined) {
    return [
      d("netcfg/enable", "boolean", "false"),
      d("apt-setup/use_mirror", "boolean", "false"),
      preseedLine("apt-mirror-setup", "apt-setup/no_mirror", "boolean", "true"),
      // DVD sets ask whether to scan further discs.
      d("apt-setup/cdrom/set-first", "boolean", "false"),
      d("apt-setup/cdrom/set-next", "boolean", "false"),
      d("apt-setup/cdrom/set-failed", "boolean", "false"),
      d("apt-setup/cdrom/set-double", "boolean", "false"),
      ...common,
    ];
  }
  const { protocol, hostPort, directory } = mirror;
  return [
    d("netcfg/choose_interface", "select", "auto"),
    // Asked when DHCP names no DNS server (the mirror is usually reached by address); empty means none.
    d("netcfg/get_nameservers", "string", ""),
    d("apt-setup/use_mirror", "boolean", "true"),
    d("mirror/country", "string", "manual"),
    d("mirror/protocol", "select", protocol),
    d(`mirror/${protocol}/hostname`, "string", hostPort),
    d(`mirror/${protocol}/directory`, "string", directory || "/"),
    d(`mirror/${protocol}/proxy`, "string", ""),
    ...common,
    ...(request.mirror?.insecureSkipSignature
      ? [d("debian-installer/allow_unauthenticated", "boolean", "true")]
      : []),
  ];
}
