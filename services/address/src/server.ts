// Server wiring of the address service: dependencies in, one handler per RPC, the kit's server around them.
import { openStore, startService, type DeadlineContext, type RunningService, type Store } from '@clarity/kit';
import { AddressServiceDefinition, type AddressServiceImplementation } from '@clarity/proto/clarity/address/v1/address.js';
import type { AddressConfig } from './config.js';
import { parseHandler } from './handlers/parse.js';
import { validateHandler } from './handlers/validate.js';
import { validateBatchHandler } from './handlers/validate-batch.js';

export interface AddressDeps {
  config: AddressConfig;
  store: Store;
}

export interface StartAddressOptions {
  config: AddressConfig;
  /** Injected store (tests); otherwise the configured one is opened. */
  store?: Store;
}

export async function startAddressService(options: StartAddressOptions): Promise<RunningService> {
  const store = options.store ?? (await openStore(options.config.runtime.store, 'address'));
  const deps: AddressDeps = { config: options.config, store };
  const implementation: AddressServiceImplementation<DeadlineContext> = {
    parse: parseHandler(deps),
    validate: validateHandler(deps),
    validateBatch: validateBatchHandler(deps),
  };
  return startService({
    config: options.config.runtime,
    services: [{ definition: AddressServiceDefinition, implementation }],
    onClose: () => store.close(),
  });
}
