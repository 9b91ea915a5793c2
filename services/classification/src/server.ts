// Server wiring of the classification service: dependencies in, one handler per RPC, the kit's server around them.
import { createLogger, openStore, startService, type DeadlineContext, type RunningService, type Store } from '@clarity/kit';
import { ClassificationServiceDefinition, type ClassificationServiceImplementation } from '@clarity/proto/clarity/classification/v1/classification.js';
import type { ClassificationConfig } from './config.js';
import { ListsStore } from './adapters/lists-store.js';
import { LlmClassifier } from './adapters/llm.js';
import { loadClassifierParts } from './domain/factory.js';
import { ClassificationEngine } from './engine.js';
import { classifyHandler } from './handlers/classify.js';
import { classifyBatchHandler } from './handlers/classify-batch.js';
import { listExclusionRulesHandler } from './handlers/list-exclusion-rules.js';
import { upsertExclusionRuleHandler } from './handlers/upsert-exclusion-rule.js';
import { deleteExclusionRuleHandler } from './handlers/delete-exclusion-rule.js';
import { listOverridesHandler } from './handlers/list-overrides.js';
import { upsertOverrideHandler } from './handlers/upsert-override.js';
import { deleteOverrideHandler } from './handlers/delete-override.js';

export interface ClassificationDeps {
  config: ClassificationConfig;
  store: Store;
  lists: ListsStore;
  engine: ClassificationEngine;
}

export interface StartClassificationOptions {
  config: ClassificationConfig;
  /** Injected store (tests); otherwise the configured one is opened. */
  store?: Store;
  /** Injected fetch for the LLM adapter (tests). */
  llmFetch?: typeof fetch;
}

export interface RunningClassificationService extends RunningService {
  engine: ClassificationEngine;
}

export async function startClassificationService(options: StartClassificationOptions): Promise<RunningClassificationService> {
  const { config } = options;
  const store = options.store ?? (await openStore(config.runtime.store, 'classification'));
  const lists = new ListsStore(store);
  const llm = config.llm.baseUrl ? new LlmClassifier({ ...config.llm, baseUrl: config.llm.baseUrl }, options.llmFetch) : undefined;
  const logger = createLogger(config.runtime.service, config.runtime.logLevel);
  const engine = new ClassificationEngine(loadClassifierParts(config.minRulePrecision), lists, config, llm, logger);
  const deps: ClassificationDeps = { config, store, lists, engine };
  const implementation: ClassificationServiceImplementation<DeadlineContext> = {
    classify: classifyHandler(deps),
    classifyBatch: classifyBatchHandler(deps),
    listExclusionRules: listExclusionRulesHandler(deps),
    upsertExclusionRule: upsertExclusionRuleHandler(deps),
    deleteExclusionRule: deleteExclusionRuleHandler(deps),
    listOverrides: listOverridesHandler(deps),
    upsertOverride: upsertOverrideHandler(deps),
    deleteOverride: deleteOverrideHandler(deps),
  };
  // Load the lists before answering: health stays NOT_SERVING until then.
  const ready = engine.start();
  const running = await startService({
    config: config.runtime,
    logger,
    services: [{ definition: ClassificationServiceDefinition, implementation }],
    ready,
    onClose: async () => {
      engine.stop();
      await store.close();
    },
  });
  await ready;
  return { ...running, engine };
}
