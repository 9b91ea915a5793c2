// Input files as AP systems export them: UTF-8 mostly, but Excel's "Unicode text" is UTF-16 and older
// exports are Windows-1252 ("Café" as the byte E9). Both become UTF-8 here, so "CAFÉ ROUGE" is not read
// as "CAF� ROUGE": UTF-16 by its byte-order mark, and any byte that is not part of a valid UTF-8 sequence
// as the Windows-1252 character it stands for (a file may mix both; valid UTF-8 is never reinterpreted).
import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';

/** What was not UTF-8 in an input, for a note to the user. */
export interface EncodingReport {
  /** 'utf-8' when every byte was valid UTF-8. */
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'utf-8+windows-1252';
  /** Bytes read as Windows-1252 characters. */
  reinterpretedBytes: number;
  /** 1-based line of the first such byte (0 when none). */
  firstLine: number;
}

/** Windows-1252 0x80–0x9F (the five unassigned bytes keep their Latin-1 code points). */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

const cp1252 = (b: number): number => (b >= 0x80 && b < 0xa0 ? CP1252_HIGH[b - 0x80]! : b);

/** Length of the valid UTF-8 sequence starting at `i`, 0 when invalid, -1 when cut off by the end of `buf`. */
function sequenceLength(buf: Buffer, i: number): number {
  const b = buf[i]!;
  let n: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (b < 0x80) return 1;
  if (b >= 0xc2 && b <= 0xdf) n = 2;
  else if (b >= 0xe0 && b <= 0xef) {
    n = 3;
    if (b === 0xe0) lo = 0xa0;
    else if (b === 0xed) hi = 0x9f; // no UTF-16 surrogates
  } else if (b >= 0xf0 && b <= 0xf4) {
    n = 4;
    if (b === 0xf0) lo = 0x90;
    else if (b === 0xf4) hi = 0x8f; // nothing above U+10FFFF
  } else return 0;
  for (let k = 1; k < n; k++) {
    if (i + k >= buf.length) return -1;
    const c = buf[i + k]!;
    if (c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return 0;
  }
  return n;
}

/**
 * The bytes of `input` as UTF-8. `report` is filled in as the input is read (final when the generator
 * ends). Chunks that are valid UTF-8 pass through untouched.
 */
export async function* toUtf8(input: AsyncIterable<Buffer | string> | Iterable<Buffer>, report: EncodingReport): AsyncGenerator<Buffer> {
  report.encoding = 'utf-8';
  report.reinterpretedBytes = 0;
  report.firstLine = 0;
  let carry: Buffer | undefined;
  let first = true;
  let utf16: TextDecoder | undefined;
  let lines = 1;
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    if (typeof chunk === 'string') {
      yield Buffer.from(chunk);
      continue;
    }
    let buf = carry ? Buffer.concat([carry, chunk]) : chunk;
    carry = undefined;
    if (first) {
      if (buf.length < 2) {
        carry = buf;
        continue;
      }
      first = false;
      if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) {
        report.encoding = buf[0] === 0xff ? 'utf-16le' : 'utf-16be';
        utf16 = new TextDecoder(report.encoding); // drops the byte-order mark
      }
    }
    if (utf16) {
      yield Buffer.from(utf16.decode(buf, { stream: true }), 'utf8');
      continue;
    }
    // A sequence cut by the chunk's end waits for the next chunk.
    let end = buf.length;
    for (let k = 1; k <= 3 && k <= buf.length; k++) {
      const b = buf[buf.length - k]!;
      if (b < 0x80) break;
      if (b >= 0xc0) {
        if (sequenceLength(buf, buf.length - k) === -1) end = buf.length - k;
        break;
      }
    }
    if (end < buf.length) {
      carry = buf.subarray(end);
      buf = buf.subarray(0, end);
    }
    if (isUtf8(buf)) {
      if (report.firstLine === 0) lines += countLines(buf);
      yield buf;
      continue;
    }
    yield repair(buf, report, lines);
    if (report.firstLine === 0) lines += countLines(buf);
  }
  if (utf16) {
    const rest = utf16.decode();
    if (rest) yield Buffer.from(rest, 'utf8');
  } else if (carry && carry.length > 0) {
    yield isUtf8(carry) ? carry : repair(carry, report, lines);
  }
}

function countLines(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(0x0a); i >= 0; i = buf.indexOf(0x0a, i + 1)) n++;
  return n;
}

/** Valid sequences copied, every other byte replaced by its Windows-1252 character. */
function repair(buf: Buffer, report: EncodingReport, linesBefore: number): Buffer {
  const out: string[] = [];
  let from = 0;
  let line = linesBefore;
  for (let i = 0; i < buf.length; ) {
    const n = sequenceLength(buf, i);
    if (n > 0) {
      if (buf[i] === 0x0a) line++;
      i += n;
      continue;
    }
    if (i > from) out.push(buf.toString('utf8', from, i));
    out.push(String.fromCharCode(cp1252(buf[i]!)));
    report.reinterpretedBytes++;
    if (report.firstLine === 0) report.firstLine = line;
    report.encoding = 'utf-8+windows-1252';
    i++;
    from = i;
  }
  if (from < buf.length) out.push(buf.toString('utf8', from));
  return Buffer.from(out.join(''), 'utf8');
}

/** A one-line note for a CLI user, or undefined when the input was UTF-8. */
export function encodingNote(report: EncodingReport): string | undefined {
  if (report.encoding === 'utf-16le' || report.encoding === 'utf-16be') return `the file is ${report.encoding.toUpperCase()} (byte-order mark): read as such`;
  if (report.reinterpretedBytes > 0) {
    return `${report.reinterpretedBytes} byte(s) were not UTF-8 and were read as Windows-1252 (Latin-1) characters, the first on line ${report.firstLine}`;
  }
  return undefined;
}
