// The reports room's door.
export { RESULTS_SCHEMA, resultsSchema, summarize, type CheckResult, type Environment, type Results } from './results-schema.ts';
export { escapeHtml, escapeXml, jsonForScript } from './html.ts';
export { toJUnit } from './junit.ts';
export { toConformanceHtml } from './conformance-html.ts';
export { formatSummary } from './terminal-summary.ts';
export { writeRunOutputs, type RunOutputs } from './write-run.ts';
export { collectEnvironment } from './environment.ts';
export { buildMatrix, matrixMarkdown, matrixHtml, type Matrix, type MatrixCell } from './matrix.ts';
export { benchReportHtml, readReportInputs, parseReportInput, ReportInputError, type ReportInput } from './bench.ts';
