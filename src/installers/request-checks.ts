import { invalidSpec } from "./errors.js";
import { defaultLocale, defaultTimezone, type AnswerFileRequest } from "./request.js";

// Checks of request values that end up inside answer files, so no value can break out of its line or
// quoting. Each error says what to change.

const packagePattern = /^[A-Za-z0-9@][A-Za-z0-9._+:@^-]*$/;
// crypt(3) output: $id$[params$]salt$hash over the ./0-9A-Za-z alphabet (sha512crypt, yescrypt, bcrypt, …).
const cryptHashPattern = /^\$[0-9a-z]+\$[A-Za-z0-9./$=,]+$/;
const timezonePattern = /^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)*$/;
const localePattern = /^[A-Za-z]{2,3}(_[A-Za-z]{2})?(\.[A-Za-z0-9-]+)?(@[A-Za-z0-9]+)?$/;

/** `groups`: whether the installer understands @group names (kickstart does; apt does not). */
export function checkedPackages(request: AnswerFileRequest, groups: "groups" | "no-groups"): string[] {
  for (const name of request.packages) {
    if (!packagePattern.test(name)) {
      throw invalidSpec(
        `Package "${name}" is not a package or group name; list one name per entry, without spaces or version operators.`,
      );
    }
    if (groups === "no-groups" && name.startsWith("@")) {
      throw invalidSpec(
        `Package "${name}" is a kickstart group, which ${request.distro} does not have; list Debian package names instead.`,
      );
    }
  }
  return [...new Set(request.packages)];
}

export function checkedRootHash(hash: string): string {
  if (!cryptHashPattern.test(hash)) {
    throw invalidSpec(
      "The root password must be a crypt(3) hash such as $6$…, never a plain password; " +
        "make one with `openssl passwd -6` or `mkpasswd -m sha-512`.",
    );
  }
  return hash;
}

export function checkedTimezone(request: AnswerFileRequest): string {
  const timezone = request.timezone ?? defaultTimezone;
  if (!timezonePattern.test(timezone)) {
    throw invalidSpec(`Timezone "${timezone}" is not a tz database name such as Etc/UTC or Europe/Berlin.`);
  }
  return timezone;
}

export function checkedLocale(request: AnswerFileRequest): string {
  const locale = request.locale ?? defaultLocale;
  if (!localePattern.test(locale)) {
    throw invalidSpec(`Locale "${locale}" is not a locale name such as en_US.UTF-8.`);
  }
  return locale;
}

/** SELinux is a kickstart-distribution setting; Debian and Ubuntu ship AppArmor instead. */
export function checkNoSelinux(request: AnswerFileRequest): void {
  if (request.selinux !== "disabled") {
    throw invalidSpec(
      `SELinux mode "${request.selinux}" cannot be set on ${request.distro}, which uses AppArmor; set selinux to disabled.`,
    );
  }
}
