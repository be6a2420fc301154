// How a simulated process stops early: the exit builtin (ExitSignal), and interrupts (Ctrl-C on a TTY, or the client
// going away) that cancel whatever the foreground command waits on.

/** Ends the shell (exit builtin, or a fatal error). */
export class ExitSignal {
  constructor(readonly code: number) {}
}

/** The foreground command was interrupted (Ctrl-C on a TTY, or the client went away). */
export class Interrupted extends Error {
  constructor() {
    super('interrupted');
  }
}

export class Interrupter {
  private fns = new Set<() => void>();
  closed = false;
  /** Something is waiting (a foreground command runs), as opposed to the shell waiting at its prompt. */
  get busy(): boolean {
    return this.fns.size > 0;
  }
  on(fn: () => void): () => void {
    this.fns.add(fn);
    return () => this.fns.delete(fn);
  }
  fire(): void {
    for (const fn of [...this.fns]) fn();
  }
  /** For good (the session ended): every later wait is interrupted at once. */
  close(): void {
    this.closed = true;
    this.fire();
  }
  /** Resolves like p, or rejects with Interrupted when interrupted first. */
  wait<T>(p: Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Interrupted());
    return new Promise<T>((resolve, reject) => {
      const off = this.on(() => {
        off();
        reject(new Interrupted());
      });
      p.then(
        (v) => {
          off();
          resolve(v);
        },
        (e) => {
          off();
          reject(e);
        },
      );
    });
  }
}
