// gRPC-Web framing (https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-WEB.md): 1 flag byte
// (0x00 data, 0x80 trailers) + 4-byte big-endian length + payload; "-text" variants are base64.

export const FRAME_DATA = 0x00;
export const FRAME_TRAILER = 0x80;

export function encodeFrame(flag: number, payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(5 + payload.length);
  out.writeUInt8(flag, 0);
  out.writeUInt32BE(payload.length, 1);
  out.set(payload, 5);
  return out;
}

/** Splits a request body into data-frame payloads; throws on truncated frames. */
export function decodeFrames(body: Buffer): Buffer[] {
  const messages: Buffer[] = [];
  let off = 0;
  while (off < body.length) {
    if (off + 5 > body.length) throw new Error('truncated gRPC-Web frame header');
    const flag = body.readUInt8(off);
    const len = body.readUInt32BE(off + 1);
    if (off + 5 + len > body.length) throw new Error('truncated gRPC-Web frame');
    if ((flag & FRAME_TRAILER) === 0) messages.push(body.subarray(off + 5, off + 5 + len));
    off += 5 + len;
  }
  return messages;
}

/** gRPC percent-encodes grpc-message (https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md). */
export function encodeGrpcMessage(message: string): string {
  return Buffer.from(message, 'utf8')
    .toString('latin1')
    .replace(/[^\x20-\x24\x26-\x7e]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

export function trailerFrame(trailers: Record<string, string>): Buffer {
  const text = Object.entries(trailers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return encodeFrame(FRAME_TRAILER, Buffer.from(text, 'latin1'));
}
