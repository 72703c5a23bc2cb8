// Rewrites the Host header of the HTTP requests a guest sends through the mirror relay: the guest names the
// mirror by the relay's address, but a mirror behind name-based virtual hosting (a CDN) answers only to its
// own name. Requests are read as a stream: each head (up to the blank line) gets its Host line replaced,
// and a body announced by Content-Length passes through as it is. Anything else (chunked bodies, TLS) is
// not HTTP/1.1 the package managers send, and is passed through from then on.

const headEnd = Buffer.from("\r\n\r\n");
const maxHead = 64 * 1024;

export class HostHeaderRewriter {
  private pending = Buffer.alloc(0);
  private bodyLeft = 0;
  private passThrough = false;

  constructor(private readonly host: string) {}

  /** Feeds guest bytes; returns the bytes to send to the mirror. */
  push(chunk: Buffer): Buffer {
    if (this.passThrough) return chunk;
    this.pending = Buffer.concat([this.pending, chunk]);
    const out: Buffer[] = [];
    for (;;) {
      if (this.bodyLeft > 0) {
        const body = this.pending.subarray(0, this.bodyLeft);
        out.push(body);
        this.bodyLeft -= body.length;
        this.pending = this.pending.subarray(body.length);
        if (this.bodyLeft > 0) break;
      }
      const end = this.pending.indexOf(headEnd);
      if (end === -1) {
        if (this.pending.length > maxHead) this.giveUp(out);
        break;
      }
      const head = this.pending.subarray(0, end).toString("latin1");
      this.pending = this.pending.subarray(end + headEnd.length);
      out.push(Buffer.from(`${this.rewritten(head)}\r\n\r\n`, "latin1"));
      if (/^transfer-encoding:/im.test(head)) {
        this.giveUp(out);
        break;
      }
      this.bodyLeft = Number(/^content-length:\s*(\d+)\s*$/im.exec(head)?.[1] ?? 0);
    }
    return Buffer.concat(out);
  }

  private rewritten(head: string): string {
    const lines = head.split("\r\n");
    const hostLine = lines.findIndex((line, i) => i > 0 && /^host:/i.test(line));
    if (hostLine === -1) lines.splice(1, 0, `Host: ${this.host}`);
    else lines[hostLine] = `Host: ${this.host}`;
    return lines.join("\r\n");
  }

  private giveUp(out: Buffer[]): void {
    out.push(this.pending);
    this.pending = Buffer.alloc(0);
    this.passThrough = true;
  }
}
