import { printMarkerCommand } from "./install-markers.js";
import { checkKickstart } from "./kickstart-check.js";
import {
  parseKickstart,
  renderKickstart,
  type KickstartCommand,
  type KickstartDocument,
  type KickstartSection,
} from "./kickstart-document.js";
import { consoleFor, needsUefi, targetDisk } from "./machine.js";
import { checkedMirror, checkSignedMirror } from "./mirror.js";
import type { KickstartProfile } from "./profile.js";
import { checkedLocale, checkedPackages, checkedRootHash, checkedTimezone } from "./request-checks.js";
import type { AnswerFileRequest } from "./request.js";

// One command set for every supported anaconda (29 to 44): each command and option below is accepted
// without deprecation warnings by every pykickstart handler in profile-for.ts, which the tests check with
// pykickstart itself. So there are no per-generation switches; avoided on purpose are install (removed),
// auth/authconfig (removed), timezone --ntpservers/--nontp and --isUtc (deprecated), timesource (too new
// for anaconda 29), and %packages --ignoremissing (a missing package must fail the build, not vanish).

export function kickstartFor(profile: KickstartProfile, request: AnswerFileRequest): string {
  if (request.userAnswerFile !== undefined) return completeUserKickstart(profile, request.userAnswerFile);
  const ours = generatedKickstart(profile, request);
  const fragments = request.fragments.map((text, i) => {
    const source = `kickstart fragment ${i + 1}`;
    const doc = parseKickstart(text, source);
    checkKickstart(doc, profile, source);
    return doc;
  });
  const merged = mergeFragments(ours, fragments);
  merged.sections.push(...finalSections());
  return renderKickstart(headerComment(profile), merged);
}

function generatedKickstart(profile: KickstartProfile, request: AnswerFileRequest): KickstartDocument {
  const rootpw =
    request.rootPassword.kind === "hash"
      ? `rootpw --iscrypted ${checkedRootHash(request.rootPassword.hash)}`
      : // A placeholder that is no crypt hash, so nothing can log in, as Fedora's cloud kickstarts do.
        "rootpw --iscrypted --lock locked";
  const lines = [
    // Stop with an error instead of waiting for input when the kickstart leaves a question open.
    "text --non-interactive",
    ...installSource(request),
    `lang ${checkedLocale(request)}`,
    "keyboard --vckeymap=us",
    `timezone ${checkedTimezone(request)} --utc`,
    rootpw,
    `selinux --${request.selinux}`,
    "firstboot --disable",
    "skipx",
    "zerombr",
    `ignoredisk --only-use=${targetDisk}`,
    `clearpart --all --initlabel --drives=${targetDisk}`,
    // reqpart adds what the firmware the installer booted under needs: biosboot for BIOS, /boot/efi for UEFI.
    needsUefi(profile.arch) ? `part /boot/efi --fstype=efi --size=600 --ondisk=${targetDisk}` : "reqpart",
    `part / --fstype=${request.rootFsType} --size=4096 --grow --ondisk=${targetDisk}`,
    `bootloader --boot-drive=${targetDisk} --append="${consoleFor(profile.arch).kernelArg}"`,
    "poweroff",
  ];
  return {
    commands: lines.map((line, i) => ({ name: line.split(" ")[0] ?? line, line, lineNo: i + 1 })),
    // anaconda adds @core and a kernel to any %packages section by itself.
    sections: [
      { name: "%packages", header: "%packages", body: checkedPackages(request, "groups"), lineNo: 0 },
    ],
  };
}

// Offline, the packages come from the installer ISO itself, attached to the install VM as a CD-ROM drive;
// otherwise from the one mirror the VM can reach, over a network set up by DHCP.
function installSource(request: AnswerFileRequest): string[] {
  checkSignedMirror(request.mirror, request.distro);
  const mirror = checkedMirror(request);
  if (mirror === undefined) return ["cdrom"];
  return ["network --bootproto=dhcp --device=link --activate", `url --url=${mirror.url}`];
}

// A fragment command replaces every generated command of its group, so a fragment can swap the install
// source or the whole partitioning without leaving conflicting lines of ours behind.
const commandGroups: string[][] = [
  ["cdrom", "url", "harddrive", "nfs", "liveimg", "ostreesetup", "ostreecontainer", "bootc", "hmc"],
  ["reqpart", "part", "partition", "autopart", "logvol", "volgroup", "raid", "btrfs", "mount"],
  ["text", "cmdline"],
];

function replacedBy(name: string): string[] {
  return commandGroups.find((group) => group.includes(name)) ?? [name];
}

function mergeFragments(ours: KickstartDocument, fragments: KickstartDocument[]): KickstartDocument {
  const theirCommands = fragments.flatMap((f) => f.commands);
  const replaced = new Set(theirCommands.flatMap((c) => replacedBy(c.name)));
  const commands: KickstartCommand[] = [
    ...ours.commands.filter((c) => !replaced.has(c.name)),
    ...theirCommands,
  ];
  const theirSections = fragments.flatMap((f) => f.sections);
  const packages = mergePackages(
    ours.sections.filter((s) => s.name === "%packages"),
    theirSections.filter((s) => s.name === "%packages"),
  );
  const sections = [
    ...ours.sections.filter((s) => s.name !== "%packages"),
    packages,
    ...theirSections.filter((s) => s.name !== "%packages"),
  ];
  return { commands, sections };
}

// anaconda reads a single %packages section, so fragment package lines and options join ours.
function mergePackages(ours: KickstartSection[], theirs: KickstartSection[]): KickstartSection {
  const all = [...ours, ...theirs];
  const options = [...new Set(all.flatMap((s) => s.header.split(/\s+/).slice(1)))];
  return {
    name: "%packages",
    header: ["%packages", ...options].join(" "),
    body: all.flatMap((s) => s.body),
    lineNo: 0,
  };
}

function finalSections(): KickstartSection[] {
  return [
    { name: "%onerror", header: "%onerror", body: [printMarkerCommand("failed")], lineNo: 0 },
    // Last, so it runs after every user %post; --nochroot because the console belongs to the installer.
    { name: "%post", header: "%post --nochroot", body: [printMarkerCommand("finished")], lineNo: 0 },
  ];
}

function completeUserKickstart(profile: KickstartProfile, text: string): string {
  const doc = parseKickstart(text, "the user kickstart");
  checkKickstart(doc, profile, "the user kickstart");
  const additions = renderKickstart(
    [
      "",
      "# Added by rootfs-operator: the build needs the VM to power off and the end of the install marked.",
    ],
    {
      commands: doc.commands.some((c) => c.name === "poweroff")
        ? []
        : [{ name: "poweroff", line: "poweroff", lineNo: 0 }],
      sections: finalSections(),
    },
  );
  return text.replace(/\s*$/, "\n") + additions;
}

function headerComment(profile: KickstartProfile): string[] {
  return [
    `# Generated by rootfs-operator for ${profile.distro} ${profile.release} ${profile.arch}`,
    `# (anaconda ${profile.anaconda}, kickstart syntax ${profile.ksVersion}).`,
  ];
}
