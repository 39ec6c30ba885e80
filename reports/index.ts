// The reports room's door.
export { escapeHtml, escapeXml, jsonForScript } from './html.ts';
export { toJUnit } from './junit.ts';
export { toConformanceHtml } from './conformance-html.ts';
export { formatSummary } from './terminal-summary.ts';
export { writeRunOutputs, type RunOutputs } from './write-run.ts';
export { buildMatrix, matrixMarkdown, matrixHtml, type Matrix, type MatrixCell } from './matrix.ts';
export { benchReportHtml, readReportInputs, parseReportInput, ReportInputError, type ReportInput } from './bench.ts';
