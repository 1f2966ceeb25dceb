const LOG_HEAD_BYTES = 48 * 1024;
const LOG_TAIL_BYTES = 16 * 1024;

/**
 * The sandbox child's stdout/stderr, kept for the participant: the first 48 KB and the last
 * 16 KB, saying how much was dropped. A model can print without end (tfjs graphs may contain
 * `Print`), so nothing here grows with the output.
 */
export class CappedLog {
  private head = "";
  private tailBuf = "";
  private dropped = 0;
  private notified = false;
  constructor(private readonly onLog?: (text: string) => void) {}

  add(chunk: Buffer): void {
    // onnxruntime colours its messages; keep the log plain text.

    const s = chunk.toString("utf8").replace(/\u001b\[[0-9;]*m/g, "");
    if (this.head.length < LOG_HEAD_BYTES) {
      const take = s.slice(0, LOG_HEAD_BYTES - this.head.length);
      this.head += take;
      this.onLog?.(take);
      if (take.length === s.length) return;
      this.pushTail(s.slice(take.length));
    } else {
      this.pushTail(s);
    }
    if (!this.notified) {
      this.notified = true;
      this.onLog?.("\n[log truncated: the rest is kept only as a tail]\n");
    }
  }

  private pushTail(s: string): void {
    this.tailBuf += s;
    if (this.tailBuf.length > LOG_TAIL_BYTES) {
      this.dropped += this.tailBuf.length - LOG_TAIL_BYTES;
      this.tailBuf = this.tailBuf.slice(-LOG_TAIL_BYTES);
    }
  }

  /** The first part of the output: what the sandbox wrappers print if their set-up fails. */
  start(): string {
    return this.head.slice(0, 2000);
  }

  tail(): string {
    return (this.head + this.tailBuf).slice(-LOG_TAIL_BYTES);
  }

  text(): string {
    if (!this.tailBuf) return this.head;
    const gap = this.dropped ? `\n[... ${this.dropped} characters dropped ...]\n` : "";
    return this.head + gap + this.tailBuf;
  }
}
