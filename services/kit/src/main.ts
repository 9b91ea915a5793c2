// Process entry helper: start, then drain and exit 0 on SIGTERM/SIGINT. A bad configuration exits 2
// with the message naming the variable; any other start-up failure exits 1.
import { ConfigError } from './config.js';
import type { Logger } from 'pino';

/** Anything main can stop: a gRPC service or the gateway. */
export interface Stoppable {
  logger: Logger;
  shutdown(reason?: string): Promise<void>;
}

export async function runMain(start: () => Promise<Stoppable>): Promise<void> {
  let running: Stoppable;
  try {
    running = await start();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  }
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      running.logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    running.shutdown(signal).then(
      () => process.exit(process.exitCode ?? 0),
      (err: unknown) => {
        running.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('uncaughtException', (err) => {
    running.logger.fatal({ err }, 'uncaught exception');
    process.exit(1);
  });
}
