// The optional LLM fallback: an OpenAI-compatible chat-completions API asked for a JSON-schema answer,
// through the kit's HttpDependency (opossum breaker, per-attempt timeout, full-jitter retries honoring
// Retry-After on 429/5xx, concurrency cap, optional rate limit). Off unless CLASSIFICATION_LLM_BASE_URL
// is set. Any failure leaves the local answer in place (the caller marks it).
import { HttpDependency, MalformedResponseError } from '@clarity/kit';
import { PayeeSubtype, PayeeType } from '@clarity/proto/clarity/common/v1/types.js';
import type { LlmConfig } from '../config.js';
import { parseSubtype, parseType, subtypeFits } from '../domain/types.js';

export interface LlmAnswer {
  payeeType: PayeeType;
  subtype: PayeeSubtype;
  /** The model's own confidence in [0,1] (not calibrated). */
  confidence: number;
  reason: string;
}

const TYPES = ['INDIVIDUAL', 'BUSINESS', 'GOVERNMENT', 'UNKNOWN'] as const;
const SUBTYPES = ['person', 'sole_proprietor', 'self_employed', 'independent_contractor', 'business', 'nonprofit', 'financial_institution', 'insurance',
  'utility', 'trust_or_estate', 'federal', 'state', 'local', 'city', 'county', 'tribal', 'school_district', 'special_district', 'interstate',
  'tax_authority', 'court', 'none'] as const;

export const LLM_RESPONSE_SCHEMA = {
  type: 'object',
  properties: {
    payee_type: { type: 'string', enum: TYPES },
    subtype: { type: 'string', enum: SUBTYPES },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
    reason: { type: 'string' },
  },
  required: ['payee_type', 'subtype', 'confidence', 'reason'],
  additionalProperties: false,
} as const;

const SYSTEM_PROMPT = [
  'You classify payees of US accounts-payable payments.',
  'Given a payee name (and sometimes an address), answer whether it is an INDIVIDUAL (a natural person, including a sole proprietor',
  'paid under their own name), a BUSINESS (company, nonprofit, bank, insurer, utility, trust or estate), a GOVERNMENT body (federal,',
  'state, local, tribal, court, tax authority, school or special district), or UNKNOWN when it is not a real payee name.',
  'Give the most specific subtype, your confidence between 0 and 1, and a one-sentence reason. Answer only with the JSON object.',
].join(' ');

/** Parses a chat-completions body into an answer, or throws MalformedResponseError. */
export function parseLlmBody(dependency: string, body: unknown): LlmAnswer {
  const choice = (body as { choices?: Array<{ message?: { content?: unknown; refusal?: unknown } }> } | undefined)?.choices?.[0];
  const content = choice?.message?.content;
  if (typeof content !== 'string' || content.trim() === '') {
    throw new MalformedResponseError(dependency, choice?.message?.refusal ? 'the model refused to answer' : 'no message content in choices[0]');
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(content.trim().replace(/^```(?:json)?\s*|\s*```$/g, '')) as Record<string, unknown>;
  } catch {
    throw new MalformedResponseError(dependency, `content is not JSON: ${content.slice(0, 80)}`);
  }
  const type = typeof parsed.payee_type === 'string' ? parseType(parsed.payee_type) : undefined;
  if (type === undefined || type === PayeeType.PAYEE_TYPE_UNSPECIFIED) throw new MalformedResponseError(dependency, `payee_type ${JSON.stringify(parsed.payee_type)} is not one of ${TYPES.join(', ')}`);
  const confidence = Number(parsed.confidence);
  if (!Number.isFinite(confidence) || confidence < 0 || confidence > 1) throw new MalformedResponseError(dependency, `confidence ${JSON.stringify(parsed.confidence)} is not a number in [0,1]`);
  let subtype = typeof parsed.subtype === 'string' && parsed.subtype !== 'none' ? parseSubtype(parsed.subtype) ?? PayeeSubtype.PAYEE_SUBTYPE_UNSPECIFIED : PayeeSubtype.PAYEE_SUBTYPE_UNSPECIFIED;
  if (!subtypeFits(type, subtype)) subtype = PayeeSubtype.PAYEE_SUBTYPE_UNSPECIFIED;
  return { payeeType: type, subtype, confidence, reason: typeof parsed.reason === 'string' ? parsed.reason.slice(0, 300) : '' };
}

export class LlmClassifier {
  readonly http: HttpDependency;

  constructor(
    readonly config: LlmConfig & { baseUrl: string },
    fetchImpl?: typeof fetch,
  ) {
    this.http = new HttpDependency({
      name: 'llm',
      baseUrl: config.baseUrl,
      headers: config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {},
      timeoutMs: config.timeoutMs,
      maxAttempts: config.maxAttempts,
      baseDelayMs: config.baseDelayMs,
      maxDelayMs: config.maxDelayMs,
      maxConcurrency: config.maxConcurrency,
      ratePerMinute: config.ratePerMinute > 0 ? config.ratePerMinute : undefined,
      breaker: config.breaker,
      fetch: fetchImpl,
    });
  }

  async classify(name: string, addressLine: string, signal?: AbortSignal): Promise<LlmAnswer> {
    const user = addressLine ? `Payee name: ${name}\nAddress: ${addressLine}` : `Payee name: ${name}`;
    return this.http.request({
      method: 'POST',
      path: 'chat/completions',
      signal,
      json: {
        model: this.config.model,
        temperature: 0,
        messages: [
          { role: 'system', content: SYSTEM_PROMPT },
          { role: 'user', content: user },
        ],
        response_format: { type: 'json_schema', json_schema: { name: 'payee_classification', strict: true, schema: LLM_RESPONSE_SCHEMA } },
      },
      parse: (body) => parseLlmBody('llm', body),
    });
  }

  shutdown(): void {
    this.http.circuit.shutdown();
  }
}
