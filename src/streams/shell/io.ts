// The byte plumbing of simulated processes: a buffered Input (stdin, pipes) read by chunks, lines or to EOF, and
// Outputs (the exec streams, pipes, captured command substitutions, files).

export interface Output {
  write(data: string | Buffer): void;
  /** The terminal itself (isatty): pipes, files and captures are not. */
  isTTY?: boolean;
}

export class Input {
  private chunks: Buffer[] = [];
  private ended = false;
  private waiters: (() => void)[] = [];
  /** The terminal itself (a TTY session's stdin). */
  isTTY = false;

  /** An input that is already at EOF (no stdin attached). */
  static empty(): Input {
    const i = new Input();
    i.end();
    return i;
  }

  static of(text: string | Buffer): Input {
    const i = new Input();
    if (text.length) i.push(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
    i.end();
    return i;
  }

  get atEOF(): boolean {
    return this.ended && !this.chunks.length;
  }

  push(data: Buffer): void {
    if (this.ended || !data.length) return;
    this.chunks.push(data);
    this.wake();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.wake();
  }

  /** The next chunk, or null at EOF. */
  async read(): Promise<Buffer | null> {
    while (!this.chunks.length) {
      if (this.ended) return null;
      await this.wait();
    }
    return this.chunks.shift()!;
  }

  /** One line without its newline, or null at EOF (a last line without newline is still returned). */
  async readLine(): Promise<string | null> {
    for (;;) {
      const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
      const nl = all.indexOf(0x0a);
      if (nl >= 0) {
        const rest = all.subarray(nl + 1);
        this.chunks = rest.length ? [rest] : [];
        return all.subarray(0, nl).toString('utf8');
      }
      if (this.ended) {
        this.chunks = [];
        return all.length ? all.toString('utf8') : null;
      }
      this.chunks = all.length ? [all] : [];
      await this.wait();
    }
  }

  async readAll(): Promise<Buffer> {
    while (!this.ended) await this.wait();
    const all = Buffer.concat(this.chunks);
    this.chunks = [];
    return all;
  }

  /** Called whenever the reader waits for more input (a process idle at its prompt). */
  onWait?: () => void;

  /** The reader is waiting for input that has not come yet. */
  get waiting(): boolean {
    return this.waiters.length > 0;
  }

  private wait(): Promise<void> {
    const p = new Promise<void>((resolve) => this.waiters.push(resolve));
    this.onWait?.();
    return p;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const fn of w) fn();
  }
}

/** Collects everything written (command substitution, pipes into builtins). */
export class Capture implements Output {
  private parts: Buffer[] = [];
  write(data: string | Buffer): void {
    this.parts.push(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  }
  get buffer(): Buffer {
    return Buffer.concat(this.parts);
  }
  get text(): string {
    return this.buffer.toString('utf8');
  }
}

/** The write end of a pipe into an Input. */
export class PipeOutput implements Output {
  constructor(private readonly into: Input) {}
  write(data: string | Buffer): void {
    this.into.push(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  }
}

export const devNull: Output = { write: () => undefined };
