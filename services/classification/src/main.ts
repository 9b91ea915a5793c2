// Entry point of the classification service.
import { runMain } from '@clarity/kit';
import { loadClassificationConfig } from './config.js';
import { startClassificationService } from './server.js';

await runMain(() => startClassificationService({ config: loadClassificationConfig() }));
