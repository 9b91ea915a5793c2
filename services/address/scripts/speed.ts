// Throughput on a shared machine. The cores are shared with other jobs, which slow this thread down
// several-fold at times (a trivial float loop has been measured between 1.5 and 24 ns per iteration), and
// CPU time does not show it (the hypervisor's steal is not accounted). So each 200 ms slice of the workload
// is paired with a calibration slice just before it, and the workload's cost is expressed in calibration
// iterations per item; "idle-equivalent" rates divide that by the idle figure of the calibration loop.

/** ns per iteration of the calibration loop on an idle core of this machine (4 cycles at 2.5 GHz, as measured idle). */
export const IDLE_CALIBRATION_NS = 1.6;

let sink = 0;
/** CPU ns per iteration of a trivial dependent float loop. */
export function calibrationNs(iterations = 5e6): number {
  let s = 0;
  const c = process.cpuUsage();
  for (let i = 0; i < iterations; i++) s += i * 0.5;
  const used = process.cpuUsage(c);
  sink += s;
  return ((used.user + used.system) * 1000) / iterations;
}

export interface Rate {
  /** Items per CPU second of this thread over all slices (as measured, machine load included). */
  perCpuSecond: number;
  /** Items per wall-clock second over all slices. */
  perWallSecond: number;
  /** Cost per item in calibration-loop iterations: median slice and best slice. */
  calibrationItersPerItem: { median: number; best: number };
  /** 1e9 / (cost × IDLE_CALIBRATION_NS): the rate on an idle core, median and best slice. */
  idleEquivalentPerSecond: { median: number; best: number };
  /** Calibration loop ns per iteration seen during the run (min / median / max). */
  calibrationNs: { min: number; median: number; max: number };
}

export function calibratedRate<T>(inputs: readonly T[], fn: (x: T) => unknown, slices: number, sliceMs = 200): Rate {
  for (let k = 0; k < Math.min(20_000, inputs.length * 3); k++) fn(inputs[k % inputs.length]!);
  const costs: number[] = [];
  const calib: number[] = [];
  let n = 0;
  let cpuTotal = 0;
  let wallTotal = 0;
  for (let s = 0; s < slices; s++) {
    const cal = calibrationNs();
    calib.push(cal);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let m = 0;
    while (performance.now() - t0 < sliceMs) {
      for (let j = 0; j < 20; j++) fn(inputs[(n + j) % inputs.length]!);
      n += 20;
      m += 20;
    }
    const c = process.cpuUsage(c0);
    const cpuUs = c.user + c.system;
    cpuTotal += cpuUs;
    wallTotal += performance.now() - t0;
    const cal2 = calibrationNs();
    calib.push(cal2);
    // ns per item / ns per calibration iteration (the mean of the calibrations around the slice).
    costs.push(((cpuUs * 1000) / m) / ((cal + cal2) / 2));
  }
  costs.sort((a, b) => a - b);
  calib.sort((a, b) => a - b);
  const median = costs[costs.length >> 1]!;
  const best = costs[0]!;
  if (sink === 0.5) process.stdout.write('');
  return {
    perCpuSecond: Math.round(n / (cpuTotal / 1e6)),
    perWallSecond: Math.round(n / (wallTotal / 1000)),
    calibrationItersPerItem: { median: Math.round(median), best: Math.round(best) },
    idleEquivalentPerSecond: { median: Math.round(1e9 / (median * IDLE_CALIBRATION_NS)), best: Math.round(1e9 / (best * IDLE_CALIBRATION_NS)) },
    calibrationNs: { min: round2(calib[0]!), median: round2(calib[calib.length >> 1]!), max: round2(calib[calib.length - 1]!) },
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;
