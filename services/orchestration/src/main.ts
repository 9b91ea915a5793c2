// Entry point of the orchestration service.
import { runMain } from '@clarity/kit';
import { loadOrchestrationConfig } from './config.js';
import { startOrchestrationService } from './server.js';

await runMain(() => startOrchestrationService({ config: loadOrchestrationConfig() }));
