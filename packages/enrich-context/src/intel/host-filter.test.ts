import { prng } from '@sightline/core/testkit';
import { describe, expect, it } from 'vitest';
import { HostFilter } from './host-filter.js';
import { normalizeDomain, normalizeUrl } from './indicator.js';

// The filter is only allowed to be wrong one way: "maybe" for a name nobody lists. These tests spell names
// and URLs every way events may (case, trailing dots, wildcards, schemes, user info, ports, fragments,
// spaces, non-ASCII) and check it never says "no" where the exact normalise-and-look-up path finds a match.
const rnd = prng(77);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const label = () => pick(['www', 'api', 'Mail', 'cdn', 'x-1', 'a', 'LOGIN', 'evil', 'b2', 'ünï']) + (rnd() < 0.5 ? String(Math.floor(rnd() * 50)) : '');
const host = () => Array.from({ length: 1 + Math.floor(rnd() * 3) }, label).join('.') + '.' + pick(['com', 'ORG', 'co.uk', 'example', 'io']);

describe('HostFilter', () => {
  it('says "maybe" for every name whose normalised form or (with parents) a domain above it is listed', () => {
    const listed = new Set<string>();
    const f = new HostFilter(300);
    for (let i = 0; i < 300; i++) {
      const d = normalizeDomain(host());
      if (d === undefined) continue;
      listed.add(d);
      f.add(d);
    }
    const prefixes = ['', '', 'sub.', 'a.b.', '*.', ' ', 'WWW.'];
    const suffixes = ['', '', '.', ' ', '\t'];
    let unlisted = 0;
    let maybes = 0;
    for (let i = 0; i < 20000; i++) {
      const base = rnd() < 0.5 ? pick([...listed]) : host();
      const raw = pick(prefixes) + (rnd() < 0.3 ? base.toUpperCase() : base) + pick(suffixes);
      const n = normalizeDomain(raw);
      let hit = false;
      if (n !== undefined) {
        const parts = n.split('.');
        for (let k = 0; k < parts.length && !hit; k++) hit = listed.has(parts.slice(k).join('.'));
      }
      const maybe = f.mayListName(raw);
      if (hit) expect(maybe, JSON.stringify(raw)).toBe(true);
      else if (/^[\x21-\x7e]*$/.test(raw)) {
        unlisted++;
        if (maybe) maybes++;
      }
    }
    expect(maybes / unlisted).toBeLessThan(0.1); // it does filter plain ASCII spellings
  });

  it('says "maybe" for every URL whose normalised host a URL indicator has', () => {
    const hosts = new Set<string>();
    const f = new HostFilter(300);
    for (let i = 0; i < 300; i++) {
      const key = normalizeUrl(`${host()}/p/${i}`);
      const h = key.slice(0, key.indexOf('/'));
      hosts.add(h);
      f.add(h);
    }
    let unlisted = 0;
    let maybes = 0;
    for (let i = 0; i < 20000; i++) {
      const h = rnd() < 0.5 ? pick([...hosts]) : host();
      const raw =
        pick(['', '', 'http://', 'HTTPS://', 'hxxp://', 'ftp://', ' ', 'user:pw@', 'http://u@']) +
        (rnd() < 0.3 ? h.toUpperCase() : h) +
        pick(['', '.', ':80', ':443', ':8080', '.:80']) +
        pick(['', '/', '/a/b?c=1', '?q', '#frag', '/x#y', '/p@q', ' ']);
      const key = normalizeUrl(raw);
      const listed = hosts.has(key.slice(0, key.indexOf('/')));
      const maybe = f.mayListUrlHost(raw);
      if (listed) expect(maybe, JSON.stringify(raw)).toBe(true);
      else if (/^[\x21-\x7e]*$/.test(raw)) {
        unlisted++;
        if (maybe) maybes++;
      }
    }
    expect(maybes / unlisted).toBeLessThan(0.1);
  });
});
