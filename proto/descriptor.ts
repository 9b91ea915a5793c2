// The FileDescriptorSet of every contract (built by `buf build`), served by grpc.reflection.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const descriptorPath = fileURLToPath(new URL('../gen/descriptor.binpb', import.meta.url));

let cached: Buffer | undefined;

/** Returns the encoded google.protobuf.FileDescriptorSet of all Clarity contracts and their imports. */
export function clarityDescriptorSet(): Buffer {
  cached ??= readFileSync(descriptorPath);
  return cached;
}
