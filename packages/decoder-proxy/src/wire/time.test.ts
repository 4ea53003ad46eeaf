import { describe, expect, it } from 'vitest';
import { parseClfTime, parseDirectiveDate, parseEpochSeconds, parseHms, parseOffset, parseYmd, timeZone } from './time.js';

describe('time fields', () => {
  it('reads ELFF dates and times, with fractions, and rejects impossible ones', () => {
    expect(parseYmd('2024-03-22')).toBe(Date.UTC(2024, 2, 22));
    expect(parseYmd('2024/02/29')).toBe(Date.UTC(2024, 1, 29));
    for (const bad of ['2023-02-29', '2024-13-01', '24-03-22', '2024-03-2x', '1969-12-31']) expect(parseYmd(bad)).toBeNaN();
    expect(parseHms('16:16:01')).toBe(((16 * 60 + 16) * 60 + 1) * 1000);
    expect(parseHms('17:00:00.363')).toBe(61_200_363);
    expect(parseHms('7:05:09.1234567')).toBe(((7 * 60 + 5) * 60 + 9) * 1000 + 123);
    for (const bad of ['24:00:00', '12:60:00', '12:00', '12:00:00.', '12:00:00Z']) expect(parseHms(bad)).toBeNaN();
  });

  it('reads NCSA and ProxySG bracketed times with their offsets', () => {
    expect(parseClfTime('[10/Oct/2000:13:55:36 -0700]')).toBe(Date.UTC(2000, 9, 10, 20, 55, 36));
    expect(parseClfTime('22/Mar/2009:09:30:31 +0100')).toBe(Date.UTC(2009, 2, 22, 8, 30, 31));
    expect(parseClfTime('[22/03/2009:09:30:31 GMT]')).toBe(Date.UTC(2009, 2, 22, 9, 30, 31));
    expect(parseClfTime('[32/Mar/2009:09:30:31 +0100]')).toBeNaN();
  });

  it('reads #Date directives in ISO and dd/Mon/yyyy form (Incapsula)', () => {
    expect(parseDirectiveDate('2002-05-02 17:42:15')).toEqual({ day: Date.UTC(2002, 4, 2), time: Date.UTC(2002, 4, 2, 17, 42, 15) });
    expect(parseDirectiveDate('28/Jun/2017 07:28:59')?.day).toBe(Date.UTC(2017, 5, 28));
    expect(parseDirectiveDate('yesterday')).toBeUndefined();
  });

  it('reads epoch seconds with milliseconds and offsets', () => {
    expect(parseEpochSeconds('1157689312.049')).toBe(1157689312049);
    expect(parseEpochSeconds('1157689312')).toBe(1157689312000);
    expect(parseEpochSeconds('12a')).toBeNaN();
    expect(parseOffset('-0800')).toBe(-480);
    expect(parseOffset('+05:30')).toBe(330);
    expect(parseOffset('0800')).toBeNaN();
  });

  it('turns local times into UTC for fixed offsets and IANA zones, daylight saving included', () => {
    expect(timeZone('UTC')!(1000)).toBe(1000);
    expect(timeZone('+02:00')!(Date.UTC(2024, 0, 1, 12))).toBe(Date.UTC(2024, 0, 1, 10));
    const paris = timeZone('Europe/Paris')!;
    expect(paris(Date.UTC(2024, 0, 15, 12))).toBe(Date.UTC(2024, 0, 15, 11)); // CET
    expect(paris(Date.UTC(2024, 6, 15, 12))).toBe(Date.UTC(2024, 6, 15, 10)); // CEST
    expect(timeZone('Mars/Olympus')).toBeUndefined();
  });
});
