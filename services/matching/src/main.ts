// Entry point of the matching service.
import { runMain } from '@clarity/kit';
import { loadMatchingConfig } from './config.js';
import { startMatchingService } from './server.js';

await runMain(() => startMatchingService({ config: loadMatchingConfig() }));
