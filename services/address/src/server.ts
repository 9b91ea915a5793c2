// Server wiring of the address service: dependencies in, one handler per RPC, the kit's server around them.
import { openStore, startService, type DeadlineContext, type RunningService, type Store } from '@clarity/kit';
import { AddressServiceDefinition, type AddressServiceImplementation } from '@clarity/proto/clarity/address/v1/address.js';
import { GoogleAddressValidator, resultFromAnswer } from './adapters/google-address-validation.js';
import { ValidationCache } from './adapters/validation-cache.js';
import type { AddressConfig } from './config.js';
import { AddressParser } from './domain/parser.js';
import { LocalValidator } from './domain/validate.js';
import { ValidationService, type ExternalValidator } from './domain/validation-service.js';
import { startMemoryGuard, type MemoryGuard } from './memory-guard.js';
import { parseHandler } from './handlers/parse.js';
import { validateHandler } from './handlers/validate.js';
import { validateBatchHandler } from './handlers/validate-batch.js';

export interface AddressDeps {
  config: AddressConfig;
  memory?: MemoryGuard;
  store: Store;
  validation: ValidationService;
  /** The external validator's HTTP dependency (breaker state), when configured. */
  external?: GoogleAddressValidator;
}

export interface StartAddressOptions {
  config: AddressConfig;
  /** Injected store (tests); otherwise the configured one is opened. */
  store?: Store;
  /** Injected fetch for the external validator (tests). */
  fetch?: typeof fetch;
}

export type RunningAddressService = RunningService & { deps: AddressDeps };

export async function startAddressService(options: StartAddressOptions): Promise<RunningAddressService> {
  const store = options.store ?? (await openStore(options.config.runtime.store, 'address'));
  // The model and ZIP database load in ~0.3 s, before the port opens.
  const local = new LocalValidator(new AddressParser());
  let cache: ValidationCache | undefined;
  let google: GoogleAddressValidator | undefined;
  let external: ExternalValidator | undefined;
  if (options.config.external) {
    cache = new ValidationCache(store, options.config.cacheTtlMs);
    await cache.init();
    google = new GoogleAddressValidator(options.config.external, cache, options.fetch);
    const g = google;
    external = {
      validate: async (input, localResult, signal) => {
        const { answer, cached } = await g.answer(input, signal);
        return resultFromAnswer(answer, localResult, cached);
      },
    };
  }
  const memory = options.config.rssSoftLimitMb ? startMemoryGuard(options.config.rssSoftLimitMb) : undefined;
  const deps: AddressDeps = {
    config: options.config,
    store,
    validation: new ValidationService(local, external),
    ...(google ? { external: google } : {}),
    ...(memory ? { memory } : {}),
  };
  const implementation: AddressServiceImplementation<DeadlineContext> = {
    parse: parseHandler(deps),
    validate: validateHandler(deps),
    validateBatch: validateBatchHandler(deps),
  };
  const running = await startService({
    config: options.config.runtime,
    services: [{ definition: AddressServiceDefinition, implementation }],
    onClose: async () => {
      memory?.stop();
      cache?.close();
      await store.close();
    },
  });
  return Object.assign(running, { deps });
}
