/**
 * Open-model schedules: when each iteration is *intended* to start, relative to the executor's
 * start. Latency is measured from these instants, not from when the generator got round to
 * sending, so a slow target or a busy generator cannot hide its own delay (coordinated omission).
 * Every schedule is finite: `total` iterations, the last one at or before `durationMs`.
 */
import type { OpenExecutorConfig } from './profile-schema.js';

export interface Schedule {
  /** Number of iterations; always finite. */
  total: number;
  /** Intended start of iteration i (0-based), in ms from the executor start. Non-decreasing. */
  timeOf(i: number): number;
  /** Nominal length of the schedule in ms. */
  durationMs: number;
  /** Mean intended rate (iterations per second). */
  targetRate: number;
}

/** `rate` iterations per second for `durationMs`. */
export function constantRate(rate: number, durationMs: number): Schedule {
  const total = Math.floor((rate * durationMs) / 1000);
  const gap = 1000 / rate;
  return { total, timeOf: (i) => i * gap, durationMs, targetRate: rate };
}

/**
 * `count` iterations spread evenly over `overMs` (an analyzer dumping its queue).
 * With `overMs` 0 they are all due at once.
 */
export function burst(count: number, overMs: number): Schedule {
  const gap = count > 0 ? overMs / count : 0;
  return {
    total: count,
    timeOf: (i) => i * gap,
    durationMs: overMs,
    targetRate: overMs > 0 ? (count * 1000) / overMs : count,
  };
}

export interface Stage {
  durationMs: number;
  /** Rate (per second) reached at the end of the stage; it changes linearly within it. */
  target: number;
}

/**
 * Stages of linearly changing rate, starting from `startRate`. The number of iterations started
 * by time t is the integral of the rate; iteration i is due when that integral reaches i.
 */
export function rampingRate(startRate: number, stages: readonly Stage[]): Schedule {
  const starts: { t0: number; n0: number; r0: number; r1: number; d: number }[] = [];
  let t = 0;
  let n = 0;
  let r = startRate;
  for (const s of stages) {
    starts.push({ t0: t, n0: n, r0: r, r1: s.target, d: s.durationMs });
    n += ((r + s.target) / 2) * (s.durationMs / 1000);
    t += s.durationMs;
    r = s.target;
  }
  const total = Math.floor(n + 1e-9);
  const timeOf = (i: number): number => {
    // Last stage whose cumulative count at its start is <= i.
    let k = starts.length - 1;
    while (k > 0 && starts[k]!.n0 > i) k--;
    const st = starts[k]!;
    const x = i - st.n0; // iterations into the stage
    const secs = st.d / 1000;
    const a = (st.r1 - st.r0) / (2 * secs); // n(x) = r0*x + a*x^2 with x in seconds
    let sec: number;
    if (Math.abs(a) < 1e-12) sec = st.r0 > 0 ? x / st.r0 : 0;
    else {
      const disc = st.r0 * st.r0 + 4 * a * x;
      sec = (-st.r0 + Math.sqrt(Math.max(0, disc))) / (2 * a);
    }
    return st.t0 + Math.min(st.d, Math.max(0, sec * 1000));
  };
  return { total, timeOf, durationMs: t, targetRate: t > 0 ? (n * 1000) / t : 0 };
}

/** A schedule run `times` times, each repetition starting `everyMs` after the previous one. */
export function repeated(s: Schedule, times: number, everyMs: number): Schedule {
  if (times <= 1) return s;
  const per = s.total;
  return {
    total: per * times,
    timeOf: (i) => Math.floor(i / per) * everyMs + s.timeOf(i % per),
    durationMs: (times - 1) * everyMs + s.durationMs,
    targetRate: s.targetRate,
  };
}

/** The schedule of an open-model executor from its profile entry. */
export function scheduleOf(cfg: OpenExecutorConfig): Schedule {
  switch (cfg.executor) {
    case 'constant-rate':
      return constantRate(cfg.rate, cfg.duration);
    case 'burst':
      return repeated(burst(cfg.messages, cfg.over), cfg.repeat, cfg.every ?? cfg.over);
    case 'ramping-rate':
      return rampingRate(
        cfg.startRate,
        cfg.stages.map((s) => ({ durationMs: s.duration, target: s.target })),
      );
  }
}
