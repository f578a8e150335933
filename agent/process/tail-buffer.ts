/** Keeps the last `capacity` bytes of a stream (for error messages) without holding the whole output. */
export class TailBuffer {
  private buf = Buffer.alloc(0);
  private total = 0;

  constructor(readonly capacity = 4096) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    const keep = chunk.length >= this.capacity ? chunk.subarray(chunk.length - this.capacity) : chunk;
    const joined = Buffer.concat([this.buf, keep]);
    // Copy, so the tail never pins a large chunk from the pipe.
    this.buf = joined.length > this.capacity ? Buffer.from(joined.subarray(joined.length - this.capacity)) : joined;
  }

  /** Bytes seen in all. */
  get bytes(): number {
    return this.total;
  }

  /** True when earlier output was dropped. */
  get truncated(): boolean {
    return this.total > this.buf.length;
  }

  /** The tail as text; a UTF-8 sequence cut at the start is dropped rather than shown as garbage. */
  text(): string {
    let start = 0;
    if (this.truncated) while (start < this.buf.length && start < 3 && (this.buf[start] & 0xc0) === 0x80) start++;
    return this.buf.subarray(start).toString('utf8');
  }
}
