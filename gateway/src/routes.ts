// The routing table: every RPC of the five services, by its gRPC path, with the codec the JSON
// protocol needs and the upstream component that serves it.
import { AddressServiceDefinition } from '@clarity/proto/clarity/address/v1/address.js';
import { ClassificationServiceDefinition } from '@clarity/proto/clarity/classification/v1/classification.js';
import { EnrichmentServiceDefinition } from '@clarity/proto/clarity/enrichment/v1/enrichment.js';
import { MatchingServiceDefinition } from '@clarity/proto/clarity/matching/v1/matching.js';
import { OrchestrationServiceDefinition } from '@clarity/proto/clarity/orchestration/v1/orchestration.js';

/** The codec functions ts-proto generates for each message. */
export interface MessageCodec {
  encode(message: unknown): { finish(): Uint8Array };
  decode(input: Uint8Array): unknown;
  fromJSON(object: unknown): unknown;
  toJSON(message: unknown): unknown;
}

export interface Route {
  path: string;
  component: string;
  service: string;
  method: string;
  requestStream: boolean;
  responseStream: boolean;
  request: MessageCodec;
  response: MessageCodec;
}

const SERVICES = [
  ['classification', ClassificationServiceDefinition],
  ['matching', MatchingServiceDefinition],
  ['address', AddressServiceDefinition],
  ['enrichment', EnrichmentServiceDefinition],
  ['orchestration', OrchestrationServiceDefinition],
] as const;

export function buildRoutes(): Map<string, Route> {
  const routes = new Map<string, Route>();
  for (const [component, def] of SERVICES) {
    for (const m of Object.values(def.methods) as Array<{
      name: string;
      requestStream: boolean;
      responseStream: boolean;
      requestType: unknown;
      responseType: unknown;
    }>) {
      const path = `/${def.fullName}/${m.name}`;
      routes.set(path, {
        path,
        component,
        service: def.fullName,
        method: m.name,
        requestStream: m.requestStream,
        responseStream: m.responseStream,
        request: m.requestType as MessageCodec,
        response: m.responseType as MessageCodec,
      });
    }
  }
  return routes;
}
