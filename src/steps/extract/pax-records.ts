// Pax extended-header records ("<length> <key>=<value>\n"). Values stay raw bytes: xattr values such as
// security.capability and system.posix_acl_access are binary, and a UTF-8 round trip would corrupt them.

/** Keys are latin1 byte strings; a later record for the same key wins, as POSIX says. */
export function parsePaxRecords(body: Buffer): Map<string, Buffer> {
  const records = new Map<string, Buffer>();
  let at = 0;
  while (at < body.length) {
    if (body[at] === 0) break; // trailing NUL padding
    const space = body.indexOf(0x20, at);
    const length = space === -1 ? NaN : Number(body.toString("latin1", at, space));
    if (!Number.isInteger(length) || length <= 0 || at + length > body.length) {
      throw new Error(`malformed pax record at offset ${at}`);
    }
    const record = body.subarray(space + 1, at + length - 1); // without the final "\n"
    const equals = record.indexOf(0x3d);
    if (equals === -1) throw new Error(`malformed pax record at offset ${at}: no "="`);
    records.set(record.toString("latin1", 0, equals), Buffer.from(record.subarray(equals + 1)));
    at += length;
  }
  return records;
}

export function encodePaxRecords(records: Iterable<[string, Buffer]>): Buffer {
  const sized: [prefix: string, value: Buffer][] = [];
  let total = 0;
  for (const [key, value] of records) {
    const rest = key.length + value.length + 3; // " ", "=", "\n"; keys are latin1, one byte a char
    const digits = String(rest).length;
    let length = rest + digits;
    if (String(length).length > digits) length += 1; // the length's own digits carried it over (98 → 101)
    sized.push([`${length} ${key}=`, value]);
    total += length;
  }
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const [prefix, value] of sized) {
    at += out.write(prefix, at, "latin1");
    at += value.copy(out, at);
    out[at++] = 0x0a;
  }
  return out;
}
