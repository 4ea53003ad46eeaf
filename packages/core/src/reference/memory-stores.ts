import type { QuarantineRecord, QuarantineStore } from '../contracts/common.js';
import type { DeadLetter, DeadLetterStore } from '../contracts/sink.js';

/** Keeps quarantined issues in memory (tests). */
export class InMemoryQuarantineStore implements QuarantineStore {
  readonly records: QuarantineRecord[] = [];
  async put(records: readonly QuarantineRecord[]): Promise<void> {
    this.records.push(...records);
  }
  async close(): Promise<void> {}
}

/** Keeps dead letters in memory (tests). */
export class InMemoryDeadLetterStore implements DeadLetterStore {
  readonly records: DeadLetter[] = [];
  async put(records: readonly DeadLetter[]): Promise<void> {
    this.records.push(...records);
  }
  async close(): Promise<void> {}
}
