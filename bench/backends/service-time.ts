// Service-time models: how long a bench backend waits before answering. Pure: the clock
// (seconds since the backend started) and the randomness come in, so every model is testable.
import type { ServiceTimeModel } from '../../reports/schema/index.ts';
import { normal, type Rng } from '../rng.ts';

export type { ServiceTimeModel };

/** The mean of a model in milliseconds (the simulator's utilisation figures use it); degrading: before it degrades. */
export function meanServiceTimeMs(model: ServiceTimeModel): number {
  switch (model.kind) {
    case 'fixed':
      return model.ms;
    case 'uniform':
      return (model.minMs + model.maxMs) / 2;
    case 'lognormal':
      return model.medianMs * Math.exp((model.sigma * model.sigma) / 2);
    case 'pareto':
      // Infinite for α ≤ 1 in theory; the draw is capped at 10 s.
      return model.alpha > 1 ? Math.min(10_000, (model.alpha * model.minMs) / (model.alpha - 1)) : 10_000;
    case 'degrading':
      return model.beforeMs;
    case 'exponential':
      return model.meanMs;
    case 'bimodal':
      return model.fastMs + model.slowFraction * (model.slowMs - model.fastMs);
  }
}

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
    case 'exponential':
      // Inverse CDF; 1 − u lies in (0, 1], so the log stays finite.
      return -model.meanMs * Math.log(1 - rng());
    case 'bimodal':
      return rng() < model.slowFraction ? model.slowMs : model.fastMs;
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
    case 'exponential':
      return `exponential mean ${model.meanMs} ms`;
    case 'bimodal':
      return `bimodal ${model.fastMs} ms, ${model.slowMs} ms for ${Math.round(model.slowFraction * 1e4) / 100} %`;
  }
}
