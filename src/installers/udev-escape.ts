// Labels in hd:LABEL=… and /dev/disk/by-label names are udev-escaped: every byte outside udev's whitelist
// (a-zA-Z0-9#+.:=@_-) becomes \xNN. Mirrors lorax's mkksiso udev_escape(), which also leaves non-ASCII as is.
const udevWhitelist = /[a-zA-Z0-9#+.:=@_-]/;

export function udevEscape(label: string): string {
  let out = "";
  for (const ch of label) {
    const code = ch.codePointAt(0) ?? 0;
    const escape = code < 127 && !udevWhitelist.test(ch);
    out += escape ? `\\x${code.toString(16).padStart(2, "0")}` : ch;
  }
  return out;
}
