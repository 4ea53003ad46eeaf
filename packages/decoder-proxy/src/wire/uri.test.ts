import { describe, expect, it } from 'vitest';
import { type UriParts, splitUri } from './uri.js';

const split = (uri: string): UriParts => splitUri(uri, { scheme: undefined, host: undefined, port: undefined, path: undefined, query: undefined });

describe('splitUri', () => {
  it('splits absolute URIs, dropping user info', () => {
    expect(split('http://user:pw@www.microsoft.com:80/a/b?x=1&y=2')).toEqual({ scheme: 'http', host: 'www.microsoft.com', port: 80, path: '/a/b', query: 'x=1&y=2' });
    expect(split('cache_object://localhost/counters')).toEqual({ scheme: 'cache_object', host: 'localhost', port: undefined, path: '/counters', query: undefined });
    expect(split('https://[2001:db8::1]:8443/')).toMatchObject({ host: '2001:db8::1', port: 8443, path: '/' });
  });

  it('reads the authority form CONNECT logs and origin-form paths', () => {
    expect(split('login.yahoo.com:443')).toMatchObject({ host: 'login.yahoo.com', port: 443, path: undefined });
    expect(split('/robots.txt?x')).toEqual({ scheme: undefined, host: undefined, port: undefined, path: '/robots.txt', query: 'x' });
  });

  it('reads scheme-less host/path exports and keeps other relative values as paths', () => {
    expect(split('www.example.com/page.php')).toMatchObject({ host: 'www.example.com', path: '/page.php' });
    expect(split('readme.txt')).toMatchObject({ host: 'readme.txt' });
    expect(split('user/test.c')).toMatchObject({ host: undefined, path: 'user/test.c' });
  });

  it('keeps a URL logged with a space after its scheme together, and marks a bad port', () => {
    expect(split('http:// bug0bus0.free.fr/es_fichiers/tn_ak_01.jpg')).toMatchObject({ host: 'bug0bus0.free.fr', path: '/es_fichiers/tn_ak_01.jpg' });
    expect(split('http://h:99999/').port).toBeNaN();
  });
});
