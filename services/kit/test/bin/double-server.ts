// A real service process for shutdown tests: the classification double under the kit's runMain.
// Prints {"address": ...} on stdout once listening.
import { runMain } from '../../src/index.js';
import { newObserved, startClassificationDouble } from '../fixtures.js';

await runMain(async () => {
  const running = await startClassificationDouble(newObserved(), {
    env: {
      CLARITY_LOG_LEVEL: 'info',
      CLARITY_SHUTDOWN_TIMEOUT_MS: process.env.CLARITY_SHUTDOWN_TIMEOUT_MS ?? '10000',
      // Tracing settings pass through from the parent (trace-export test).
      ...Object.fromEntries(Object.entries(process.env).filter(([k, v]) => k.startsWith('OTEL_') && v !== undefined)),
    } as Record<string, string>,
  });
  process.stdout.write(`${JSON.stringify({ address: running.address, metricsPort: running.metricsPort })}\n`);
  return running;
});
