export { checkHistory, DEFAULT_STEP_BUDGET, type CheckOptions } from './check.js';
export { formatAnomaly, formatOperation, formatReport } from './format.js';
export { pairOperations } from './pairing.js';
export type { Anomaly, AnomalyKind, CheckReport, Operation } from './report.js';
