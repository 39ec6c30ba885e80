// Micro-benchmarks (tinybench) and consistent-hash quality figures for the schedulers.
export { runMicro, QUICK, type MicroOptions } from './run.ts';
export { formatMicro } from './table.ts';
export { qualityFigure, qualityFigures, type QualityFigure } from './quality.ts';
export { fitGrowth, type GrowthFit } from './fit.ts';
export { DESIGN_COMPLEXITY, type Complexity } from './cases.ts';
