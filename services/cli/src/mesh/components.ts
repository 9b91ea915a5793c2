// The processes of the local mesh, their entry points and default ports.
export interface ComponentSpec {
  name: string;
  /** Entry script relative to the repository root. */
  entry: string;
  /** gRPC port (services) — the gateway has an HTTP port instead. */
  grpcPort?: number;
  httpPort?: number;
  metricsPort: number;
  /** Fully-qualified gRPC service, for per-service health checks. */
  serviceName?: string;
  /** Node.js flags the process is started with (containers use the same). */
  nodeArgs?: string[];
}

/**
 * The matching service holds a 424K-supplier index (~350 MB once loaded); V8's default 16 MB semi-spaces let
 * its young generation take 48 MB more under query load. 8 MB semi-spaces kept RSS after the benchmark's query
 * load at 374 MB instead of 389 MB with the same gRPC throughput (981 vs 1,021 payees/s, within noise).
 */
export const MATCHING_NODE_ARGS = ['--max-semi-space-size=8'];

export const COMPONENTS: readonly ComponentSpec[] = [
  { name: 'classification', entry: 'services/classification/dist/src/main.js', grpcPort: 50051, metricsPort: 9461, serviceName: 'clarity.classification.v1.ClassificationService' },
  { name: 'matching', entry: 'services/matching/dist/src/main.js', grpcPort: 50052, metricsPort: 9462, serviceName: 'clarity.matching.v1.MatchingService', nodeArgs: MATCHING_NODE_ARGS },
  { name: 'address', entry: 'services/address/dist/src/main.js', grpcPort: 50053, metricsPort: 9463, serviceName: 'clarity.address.v1.AddressService' },
  { name: 'enrichment', entry: 'services/enrichment/dist/src/main.js', grpcPort: 50054, metricsPort: 9464, serviceName: 'clarity.enrichment.v1.EnrichmentService' },
  { name: 'orchestration', entry: 'services/orchestration/dist/src/main.js', grpcPort: 50055, metricsPort: 9465, serviceName: 'clarity.orchestration.v1.OrchestrationService' },
  { name: 'gateway', entry: 'gateway/dist/src/main.js', httpPort: 8080, metricsPort: 9460 },
];

export const SERVICE_COMPONENTS = COMPONENTS.filter((c) => c.grpcPort !== undefined);
