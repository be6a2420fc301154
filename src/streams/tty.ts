// The terminal line discipline of a container TTY (what the kernel's pty does for `kubectl exec -it`): the client's
// terminal is raw, so keystrokes arrive one by one; they are echoed, edited (backspace, Ctrl-U), delivered a line
// at a time, Ctrl-C interrupts the foreground command, Ctrl-D at the start of a line is end of input, and output
// newlines become CRLF.
import type { Input, Output } from './shell/io.js';
import type { Interrupter } from './shell/interp.js';

export class LineDiscipline {
  private line = '';
  private escape = 0;

  constructor(
    private readonly input: Input,
    private readonly echo: (text: string) => void,
    private readonly interrupts: Interrupter,
  ) {}

  feed(data: Buffer): void {
    for (const ch of data.toString('utf8')) {
      const code = ch.charCodeAt(0);
      if (this.escape) {
        // ESC [ ... final byte (arrow keys and friends) are swallowed.
        if (this.escape === 1 && ch !== '[' && ch !== 'O') this.escape = 0;
        else if (this.escape === 2 && code >= 0x40 && code <= 0x7e) this.escape = 0;
        else this.escape = 2;
        continue;
      }
      switch (code) {
        case 0x1b:
          this.escape = 1;
          break;
        case 0x03: {
          this.echo('^C\r\n');
          this.line = '';
          const busy = this.interrupts.busy;
          this.interrupts.fire();
          // At a prompt, a new prompt; a running command was interrupted and its shell prompts anyway.
          if (!busy) this.input.push(Buffer.from('\n'));
          break;
        }
        case 0x04:
          if (!this.line) this.input.end();
          break;
        case 0x7f:
        case 0x08:
          if (this.line) {
            this.line = [...this.line].slice(0, -1).join('');
            this.echo('\b \b');
          }
          break;
        case 0x15:
          this.echo('\b \b'.repeat([...this.line].length));
          this.line = '';
          break;
        case 0x0d:
        case 0x0a:
          this.echo('\r\n');
          this.input.push(Buffer.from(`${this.line}\n`));
          this.line = '';
          break;
        default:
          if (code < 0x20 && ch !== '\t') break;
          this.line += ch;
          this.echo(ch);
      }
    }
  }
}

/** ONLCR: the terminal turns \n into \r\n on output. */
export function crlf(out: Output): Output {
  return {
    write: (d) => out.write(Buffer.from(String(typeof d === 'string' ? d : d.toString('utf8')).replace(/\r?\n/g, '\r\n'))),
    isTTY: true,
  };
}
