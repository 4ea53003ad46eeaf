import type { Audiences } from './peers.js';

/** What the detectors share when they judge a window. */
export interface DetectContext {
  /** Distinct internal clients per external server address (flows). */
  readonly flowAudience: Audiences;
  /** Distinct clients per proxy host name. */
  readonly webAudience: Audiences;
  /** Distinct clients per registrable domain (DNS). */
  readonly dnsAudience: Audiences;
  /** Registrable domain an address was resolved from in this window (DNS answers), when known. */
  readonly nameOf: (ip: string) => string | undefined;
  /** True when a registrable domain is on the popular-domains list. */
  readonly listed: (registrable: string | undefined) => boolean;
  /** Registrable domain of a host name. */
  readonly registrableOf: (name: string) => string | undefined;
  /** Example event ids kept in evidence. */
  readonly examples: number;
}
