// Entry point of the gateway.
import { runMain } from '@clarity/kit';
import { loadGatewayConfig } from './config.js';
import { startGateway } from './gateway.js';

await runMain(() => startGateway(loadGatewayConfig()));
