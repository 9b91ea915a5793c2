// Configuration of the address service: the kit's runtime variables (CLARITY_GRPC_PORT defaults to
// 50053, CLARITY_METRICS_PORT to 9463) plus the service's own.
import { loadRuntimeConfig, type RuntimeConfig } from '@clarity/kit';

export const DEFAULT_GRPC_PORT = 50053;
export const DEFAULT_METRICS_PORT = 9463;

export interface AddressConfig {
  runtime: RuntimeConfig;
}

export function loadAddressConfig(env: Record<string, string | undefined> = process.env): AddressConfig {
  return { runtime: loadRuntimeConfig('address', { grpcPort: DEFAULT_GRPC_PORT, metricsPort: DEFAULT_METRICS_PORT }, env) };
}
