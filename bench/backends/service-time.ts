// Service-time models: how long a bench backend waits before answering. Pure: the clock
// (seconds since the backend started) and the randomness come in, so every model is testable.
import type { ServiceTimeModel } from '../../reports/schema/index.ts';
import { normal, type Rng } from '../rng.ts';

export type { ServiceTimeModel };

/** Delay in milliseconds for one request. */
export function serviceTimeMs(model: ServiceTimeModel, rng: Rng, elapsedS: number): number {
  switch (model.kind) {
    case 'fixed':
      return model.ms;
    case 'uniform':
      return model.minMs + rng() * (model.maxMs - model.minMs);
    case 'lognormal':
      // median·e^(σZ): the median is the scale, σ the spread of the log.
      return model.medianMs * Math.exp(model.sigma * normal(rng));
    case 'pareto': {
      // Inverse CDF; u kept off 0 so the draw stays finite. Capped at 10 s so a run stays bounded.
      const u = Math.max(rng(), 1e-9);
      return Math.min(10_000, model.minMs / Math.pow(u, 1 / model.alpha));
    }
    case 'degrading':
      return elapsedS < model.afterS ? model.beforeMs : model.degradedMs;
  }
}

/** One line for tables and legends, e.g. "lognormal median 2 ms σ 0.8". */
export function describeModel(model: ServiceTimeModel): string {
  switch (model.kind) {
    case 'fixed':
      return `fixed ${model.ms} ms`;
    case 'uniform':
      return `uniform ${model.minMs}–${model.maxMs} ms`;
    case 'lognormal':
      return `lognormal median ${model.medianMs} ms σ ${model.sigma}`;
    case 'pareto':
      return `pareto min ${model.minMs} ms α ${model.alpha}`;
    case 'degrading':
      return `${model.beforeMs} ms, then ${model.degradedMs} ms after ${model.afterS} s`;
  }
}
