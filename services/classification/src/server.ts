// Server wiring of the classification service: dependencies in, one handler per RPC, the kit's server around them.
import { openStore, startService, type DeadlineContext, type RunningService, type Store } from '@clarity/kit';
import { ClassificationServiceDefinition, type ClassificationServiceImplementation } from '@clarity/proto/clarity/classification/v1/classification.js';
import type { ClassificationConfig } from './config.js';
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
}

export interface StartClassificationOptions {
  config: ClassificationConfig;
  /** Injected store (tests); otherwise the configured one is opened. */
  store?: Store;
}

export async function startClassificationService(options: StartClassificationOptions): Promise<RunningService> {
  const store = options.store ?? (await openStore(options.config.runtime.store, 'classification'));
  const deps: ClassificationDeps = { config: options.config, store };
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
  return startService({
    config: options.config.runtime,
    services: [{ definition: ClassificationServiceDefinition, implementation }],
    onClose: () => store.close(),
  });
}
