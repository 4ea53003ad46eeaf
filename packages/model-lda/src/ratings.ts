import type { OdmEvent, Rating } from '@sightline/core';

/**
 * Whether an analyst's rating covers an event: by its event id, or when every `match` field equals the event's
 * (and the rating's word, when it names one, is the event's word for this document).
 */
export function ratingMatches(rating: Rating, event: OdmEvent, word: string | undefined): boolean {
  if (rating.event_kind !== event.event_kind) return false;
  if (rating.event_id !== undefined && rating.event_id === event.event_id) return true;
  if (rating.word !== undefined && word !== undefined && rating.word !== word) return false;
  const fields = Object.entries(rating.match);
  if (fields.length === 0) return false;
  const record = event as unknown as Record<string, unknown>;
  for (const [k, v] of fields) if (record[k] !== v) return false;
  return true;
}
