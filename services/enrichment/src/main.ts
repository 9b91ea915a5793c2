// Entry point of the enrichment service.
import { runMain } from '@clarity/kit';
import { loadEnrichmentConfig } from './config.js';
import { startEnrichmentService } from './server.js';

await runMain(() => startEnrichmentService({ config: loadEnrichmentConfig() }));
