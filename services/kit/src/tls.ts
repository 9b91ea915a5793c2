// TLS and mutual TLS between services when certificate files are configured; plaintext otherwise
// (the default, for loopback).
import { readFileSync } from 'node:fs';
import { ChannelCredentials, ServerCredentials, credentials } from '@grpc/grpc-js';
import type { TlsFiles } from './config.js';

export function serverCredentials(tls?: TlsFiles): ServerCredentials {
  if (!tls) return ServerCredentials.createInsecure();
  const ca = tls.caFile ? readFileSync(tls.caFile) : null;
  // With a CA the server demands a client certificate signed by it: mutual TLS.
  return ServerCredentials.createSsl(ca, [{ cert_chain: readFileSync(tls.certFile), private_key: readFileSync(tls.keyFile) }], ca !== null);
}

export function channelCredentials(tls?: TlsFiles): ChannelCredentials {
  if (!tls) return credentials.createInsecure();
  return credentials.createSsl(
    tls.caFile ? readFileSync(tls.caFile) : null,
    readFileSync(tls.keyFile),
    readFileSync(tls.certFile),
  );
}
