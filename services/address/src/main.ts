// Entry point of the address service.
import { runMain } from '@clarity/kit';
import { loadAddressConfig } from './config.js';
import { startAddressService } from './server.js';

await runMain(() => startAddressService({ config: loadAddressConfig() }));
