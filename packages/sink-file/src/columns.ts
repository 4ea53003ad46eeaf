import { type Column, type EventKind, KIND_FIELDS, type OdmEvent, SPOT_INGEST_COLUMNS, SPOT_RESULT_COLUMNS, type Stream } from '@sightline/core';
import type { FileSinkConfig } from './config.schema.js';

/** The CSV columns for one file: a named set or a list of ODM fields. */
export function columnsFor(columns: FileSinkConfig['columns'], kind: EventKind, stream: Stream): readonly Column[] {
  if (Array.isArray(columns)) return columns.map((name) => ({ name, get: (e: OdmEvent) => (e as unknown as Record<string, unknown>)[name] as string | number | boolean | undefined }));
  switch (columns) {
    case 'spot':
      return (stream === 'alerts' ? SPOT_RESULT_COLUMNS[kind] : SPOT_INGEST_COLUMNS[kind]) as readonly Column[];
    case 'spot-ingest':
      return SPOT_INGEST_COLUMNS[kind] as readonly Column[];
    case 'spot-results':
      return SPOT_RESULT_COLUMNS[kind] as readonly Column[];
    default:
      return KIND_FIELDS[kind].map((name) => ({ name, get: (e: OdmEvent) => (e as unknown as Record<string, unknown>)[name] as string | number | boolean | undefined }));
  }
}

export function isSpotColumns(columns: FileSinkConfig['columns']): boolean {
  return typeof columns === 'string' && columns.startsWith('spot');
}
