// The running classifier: the committed artifacts, the current exclusion lists and overrides (reloaded
// when the lists' version changes — by an edit here or on another replica), request validation, the
// minimum-confidence rule and the optional LLM fallback.
import { FieldViolations, checkText, counter, type Logger } from '@clarity/kit';
import {
  ClassificationTier,
  LlmPolicy,
  type Classification,
  type ClassifyOptions,
} from '@clarity/proto/clarity/classification/v1/classification.js';
import { PayeeType, type Evidence } from '@clarity/proto/clarity/common/v1/types.js';
import type { Payee } from '@clarity/proto/clarity/common/v1/payee.js';
import type { ClassificationConfig } from './config.js';
import { ListsStore } from './adapters/lists-store.js';
import type { LlmAnswer, LlmClassifier } from './adapters/llm.js';
import { PayeeClassifier } from './domain/classifier.js';
import { ExclusionMatcher } from './domain/exclusions.js';
import type { StaticParts } from './domain/factory.js';
import { OverrideMatcher } from './domain/overrides.js';
import { TYPE_NAMES, evidence, subtypeName } from './domain/types.js';

const decisions = counter('clarity_classification_decisions_total', 'Classifications by deciding tier and payee type.', ['tier', 'type']);
const llmCalls = counter('clarity_classification_llm_calls_total', 'LLM fallback calls by outcome.', ['outcome']);

export type ItemResult = { classification: Classification } | { violations: FieldViolations };

export class ClassificationEngine {
  private classifier: PayeeClassifier;
  private version = -1;
  private timer?: NodeJS.Timeout;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    parts: StaticParts,
    readonly lists: ListsStore,
    readonly config: ClassificationConfig,
    readonly llm: LlmClassifier | undefined,
    private readonly logger?: Logger,
  ) {
    this.classifier = new PayeeClassifier({ ...parts, exclusions: new ExclusionMatcher([], ListsStore.versionLabel(0)), overrides: new OverrideMatcher([]) });
  }

  /** Seeds the default lists if needed, loads them, and starts polling for edits from other replicas. */
  async start(): Promise<void> {
    await this.lists.ensureSeeded();
    await this.refresh(true);
    this.timer = setInterval(() => {
      this.refresh().catch((err: unknown) => this.logger?.warn({ err }, 'could not reload exclusion lists; keeping the current ones'));
    }, this.config.reloadIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.llm?.shutdown();
  }

  get listsVersion(): string {
    return ListsStore.versionLabel(Math.max(0, this.version));
  }

  get current(): PayeeClassifier {
    return this.classifier;
  }

  /**
   * Reloads the lists when their version changed (or always, with force). Calls are serialized, so a
   * refresh requested after an edit always reads after that edit.
   */
  refresh(force = false): Promise<void> {
    const run = this.chain.then(async () => {
      const version = await this.lists.version();
      if (!force && version === this.version) return;
      const all = await this.lists.loadAll();
      this.classifier = this.classifier.withLists(new ExclusionMatcher(all.rules, ListsStore.versionLabel(all.version)), new OverrideMatcher(all.overrides));
      this.version = all.version;
      this.logger?.debug({ version: all.version, rules: all.rules.length, overrides: all.overrides.length }, 'exclusion lists loaded');
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Validates one payee; returns the cleaned name or records violations under `field`. */
  cleanName(payee: Payee | undefined, field: string, v: FieldViolations): string | undefined {
    if (!payee) {
      v.add(field, 'is required');
      return undefined;
    }
    const before = v.list.length;
    const name = checkText(v, payee.name, `${field}.name`, { required: true, maxLength: this.config.nameMaxLength });
    return v.list.length > before ? undefined : name;
  }

  /** Classifies a valid name locally (no LLM), applying the minimum confidence. */
  classifyLocal(name: string, options: ClassifyOptions | undefined): Classification {
    const c = this.classifier.classify(name, { skipIndustry: options?.skipIndustry }).classification;
    const min = this.config.minConfidence;
    if (min > 0 && c.payeeType !== PayeeType.PAYEE_TYPE_UNKNOWN && c.confidence < min && c.decidedBy !== ClassificationTier.CLASSIFICATION_TIER_OVERRIDE) {
      c.unknownReason = `too uncertain: best guess ${TYPE_NAMES[c.payeeType]} at confidence ${c.confidence.toFixed(3)}, below ${min}`;
      c.evidence.unshift(evidence('threshold', 'threshold.min_confidence', c.unknownReason, '', c.confidence));
      c.payeeType = PayeeType.PAYEE_TYPE_UNKNOWN;
      c.confidence = 1 - c.confidence;
    }
    return c;
  }

  private wantsLlm(c: Classification, options: ClassifyOptions | undefined): boolean {
    if (!this.llm) return false;
    const policy = options?.llmPolicy ?? LlmPolicy.LLM_POLICY_UNSPECIFIED;
    const effective = policy === LlmPolicy.LLM_POLICY_UNSPECIFIED ? (this.config.llm.defaultPolicy === 'never' ? LlmPolicy.LLM_POLICY_NEVER : LlmPolicy.LLM_POLICY_WHEN_UNCERTAIN) : policy;
    if (effective !== LlmPolicy.LLM_POLICY_WHEN_UNCERTAIN) return false;
    if (c.decidedBy === ClassificationTier.CLASSIFICATION_TIER_OVERRIDE || c.decidedBy === ClassificationTier.CLASSIFICATION_TIER_JUNK) return false;
    return c.confidence < this.config.llm.threshold;
  }

  /** Asks the LLM about an uncertain local answer; on any failure the local answer stands, marked as such. */
  private async withLlm(c: Classification, name: string, payee: Payee, options: ClassifyOptions | undefined, signal?: AbortSignal): Promise<Classification> {
    let answer: LlmAnswer;
    try {
      const a = payee.address;
      const address = a ? (a.freeform || [a.line1, a.line2, a.city, a.state, a.postalCode].filter(Boolean).join(', ')) : '';
      answer = await this.llm!.classify(name, address, signal);
    } catch (err) {
      const reason = (err as Error).message ?? String(err);
      llmCalls.inc({ outcome: /breaker is open/.test(reason) ? 'breaker_open' : 'failed' });
      c.evidence.push(evidence('llm', 'llm.unavailable', `LLM fallback failed (${reason.slice(0, 160)}); the local answer stands`, '', 0));
      return c;
    }
    llmCalls.inc({ outcome: 'answered' });
    const capped = Math.min(this.config.llm.maxConfidence, answer.confidence);
    const agrees = answer.payeeType === c.payeeType;
    const ev: Evidence = evidence(
      'llm', `llm.${this.config.llm.model}`,
      `LLM (${this.config.llm.model}) says ${TYPE_NAMES[answer.payeeType]}${answer.subtype ? `/${subtypeName(answer.subtype)}` : ''} with self-reported confidence ${answer.confidence.toFixed(2)}: ${answer.reason}`,
      name, capped,
    );
    if (agrees) {
      const out: Classification = { ...c, evidence: [ev, ...c.evidence], decidedBy: ClassificationTier.CLASSIFICATION_TIER_LLM };
      out.confidence = Math.max(c.confidence, capped);
      if (answer.subtype) out.subtype = answer.subtype;
      return out;
    }
    // Another type: exclusion agreement, subtype and industry are worked out again for that type.
    const redone = this.classifier.classifyAs(name, answer.payeeType, answer.subtype, options);
    const out: Classification = { ...(redone ?? c), decidedBy: ClassificationTier.CLASSIFICATION_TIER_LLM, confidence: capped };
    out.evidence = [ev, ...(redone?.evidence ?? []), ...c.evidence.filter((e) => e.tier === 'model')];
    out.unknownReason = answer.payeeType === PayeeType.PAYEE_TYPE_UNKNOWN ? `the LLM found no payee: ${answer.reason}` : '';
    return out;
  }

  /** One payee: validate, classify, maybe ask the LLM. Throws INVALID_ARGUMENT for bad input. */
  async classifyOne(payee: Payee | undefined, options: ClassifyOptions | undefined, signal?: AbortSignal): Promise<Classification> {
    const v = new FieldViolations();
    const name = this.cleanName(payee, 'payee', v);
    v.throwIfAny();
    let c = this.classifyLocal(name!, options);
    if (this.wantsLlm(c, options)) c = await this.withLlm(c, name!, payee!, options, signal);
    decisions.inc({ tier: ClassificationTier[c.decidedBy] ?? 'unknown', type: TYPE_NAMES[c.payeeType] || 'UNSPECIFIED' });
    return c;
  }

  /** Many payees: each validated and classified on its own; uncertain ones go to the LLM concurrently (capped). */
  async classifyMany(payees: readonly Payee[], options: ClassifyOptions | undefined, signal?: AbortSignal): Promise<ItemResult[]> {
    const results: ItemResult[] = [];
    const llmWanted: number[] = [];
    const names: string[] = [];
    for (let i = 0; i < payees.length; i++) {
      if (signal?.aborted) throw signal.reason ?? new Error('cancelled');
      const v = new FieldViolations();
      const name = this.cleanName(payees[i], `payees[${i}]`, v);
      if (name === undefined) {
        results.push({ violations: v });
        continue;
      }
      names[i] = name;
      const c = this.classifyLocal(name, options);
      results.push({ classification: c });
      if (this.wantsLlm(c, options)) llmWanted.push(i);
    }
    const cap = this.config.llm.maxCallsPerBatch;
    await Promise.all(
      llmWanted.map(async (i, k) => {
        const r = results[i] as { classification: Classification };
        if (k >= cap) {
          r.classification.evidence.push(evidence('llm', 'llm.skipped', `LLM fallback skipped: at most ${cap} LLM calls per batch`, '', 0));
          return;
        }
        r.classification = await this.withLlm(r.classification, names[i]!, payees[i]!, options, signal);
      }),
    );
    for (const r of results) {
      if ('classification' in r) decisions.inc({ tier: ClassificationTier[r.classification.decidedBy] ?? 'unknown', type: TYPE_NAMES[r.classification.payeeType] || 'UNSPECIFIED' });
    }
    return results;
  }
}
