// Keeps the service's resident memory under a soft limit. V8 lets old-space garbage (e.g. batch
// responses that outlived a scavenge) pile up until its own growth heuristics trigger a full collection;
// past the limit we ask for one. A full GC of this ~60 MB heap takes tens of milliseconds and is rare.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gauge } from '@clarity/kit';

const rssGauge = gauge('clarity_address_rss_bytes', 'Resident set size of the address service.');

let gcFn: (() => void) | undefined;
function fullGc(): (() => void) | undefined {
  if (gcFn) return gcFn;
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return (gcFn = existing);
  try {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  } catch {
    gcFn = undefined;
  }
  return gcFn;
}

export interface MemoryGuard {
  /** Call after a unit of work (a batch); collects when resident memory is past the soft limit. */
  check(): void;
  stop(): void;
}

export function startMemoryGuard(softLimitMb: number, intervalMs = 2_000): MemoryGuard {
  const limit = softLimitMb * 1024 * 1024;
  let last = 0;
  const check = () => {
    const now = Date.now();
    if (now - last < 250) return;
    last = now;
    const rss = process.memoryUsage.rss();
    rssGauge.set(rss);
    if (softLimitMb > 0 && rss > limit) fullGc()?.();
  };
  const timer = setInterval(check, intervalMs);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}
