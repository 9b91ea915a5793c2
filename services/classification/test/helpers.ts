// Starting a real classification server on port 0 for tests.
import { createServiceClient, store as kitStore, type Store } from '@clarity/kit';
import { testRuntimeConfig } from '@clarity/kit/testing';
import { ClassificationServiceDefinition } from '@clarity/proto/clarity/classification/v1/classification.js';
import { loadClassificationConfig } from '../src/config.js';
import { startClassificationService, type RunningClassificationService } from '../src/server.js';

export async function startTestService(env: Record<string, string> = {}, options: { store?: Store; llmFetch?: typeof fetch } = {}) {
  const config = loadClassificationConfig(env, testRuntimeConfig('classification'));
  const running: RunningClassificationService = await startClassificationService({ config, store: options.store ?? new kitStore.EmbeddedStore(), llmFetch: options.llmFetch });
  const client = createServiceClient(ClassificationServiceDefinition, running.address, { defaultTimeoutMs: 20_000 });
  return {
    running,
    client,
    async close() {
      client.close?.();
      await running.shutdown();
    },
  };
}
