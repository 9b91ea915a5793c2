// pino JSON logs; every line written inside a traced call carries trace_id and span_id.
import { trace } from '@opentelemetry/api';
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

export function createLogger(service: string, level = 'info', destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin() {
        const span = trace.getActiveSpan();
        if (!span) return {};
        const { traceId, spanId } = span.spanContext();
        return { trace_id: traceId, span_id: spanId };
      },
    },
    destination,
  );
}
