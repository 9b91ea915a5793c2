// A real service process for shutdown tests: the classification double under the kit's runMain.
// Prints {"address": ...} on stdout once listening.
import { runMain } from '../../src/index.js';
import { newObserved, startClassificationDouble } from '../fixtures.js';

await runMain(async () => {
  const running = await startClassificationDouble(newObserved(), {
    env: { CLARITY_LOG_LEVEL: 'info', CLARITY_SHUTDOWN_TIMEOUT_MS: process.env.CLARITY_SHUTDOWN_TIMEOUT_MS ?? '10000' },
  });
  process.stdout.write(`${JSON.stringify({ address: running.address, metricsPort: running.metricsPort })}\n`);
  return running;
});
