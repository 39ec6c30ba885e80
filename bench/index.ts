// The bench room's door (its results schema bench@1 lives in the low room, reports/schema/): runner,
// presets, load generators and the gate. Targets are the harness's (its registry of target files and
// the reference), with their bench profiles.
export { runBench, GENERATOR_BOUND_FRACTION, HEADROOM_GOAL, type RunOptions } from './run/runner.ts';
export { defaultResolveTarget, renderVariant, variantScenario } from './run/slots.ts';
export { presets, quick, ALGORITHMS_TO_COMPARE } from './scenarios/presets.ts';
export type { BenchPreset, BenchScenario, BenchVariant, LoadSpec } from './scenarios/types.ts';
export { runClosedLoop, runOpenLoop, type LoadOutcome, GENERATOR_NAMES, isGeneratorName, generatorNamed, GeneratorMissingError, type GeneratorName } from './load/index.ts';
export { startBenchBackend, type BenchBackend } from './backends/server.ts';
export { NULL_TARGETS, type NullTargetKind } from './backends/nginx-null.ts';
export { describeModel } from './backends/service-time.ts';
export { gate, compareSeries, DEFAULT_ALPHA, type GateReport, type GateOptions, type MetricVerdict } from './gate/compare.ts';
export { gateMarkdown } from './gate/markdown.ts';
export { METRIC_KINDS, seriesFromBench, type MetricKind, type Series } from './gate/metrics.ts';
export { loadScenarioFile, parseScenarios } from './scenarios/scenario-file.ts';
export { calibrateFiles, calibrationMarkdown } from './gate/calibrate.ts';
export { combineRuns } from './gate/combine-runs.ts';
export { GateInputError, readGateInput } from './gate/inputs.ts';
export { runMicro, formatMicro } from './micro/index.ts';
export { runSimulation, type SimulateOptions } from './sim/run.ts';
export { builtinNames, builtinScenario } from './sim/builtins.ts';
export { loadSimScenarioFile, parseSimScenario, quickScenario, type SimScenario } from './sim/scenario.ts';
export { formatSimulation } from './sim/table.ts';
