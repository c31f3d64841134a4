// @shoal/chaos: the fault-injection harness (`npm run chaos`), its history checker and the soak.
export {
  checkHistory,
  DEFAULT_STEP_BUDGET,
  pairOperations,
  type Anomaly,
  type AnomalyKind,
  type CheckOptions,
  type CheckReport,
  type Operation,
} from './checker/index.js';
export type { EventType, HistoryEvent, OpFunction, RegisterValue } from './history/event.js';
export { parseHistory, readHistory } from './history/reader.js';
export { HistoryWriter, type EventExtras, type EventValue, type HistoryWriterOptions } from './history/writer.js';
