// Turns chunks of output into lines. A chunk may end mid-line or mid-character (a UTF-8
// sequence split across reads), so both are held back until the rest arrives.

import { StringDecoder } from 'node:string_decoder';

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  /** The complete lines in `chunk` (without their '\n'); the rest waits for the next chunk. */
  push(chunk: Buffer): string[] {
    const text = this.partial + this.decoder.write(chunk);
    const parts = text.split('\n');
    this.partial = parts.pop() ?? '';
    return parts;
  }

  /** What is left once the source ends: a last line without '\n', if any. */
  end(): string[] {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    return rest === '' ? [] : [rest];
  }
}
