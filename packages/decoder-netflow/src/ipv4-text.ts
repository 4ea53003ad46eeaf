/**
 * Dotted IPv4 text, made for every address field of every flow record, so made cheaply: a small direct-mapped
 * cache (records repeat servers, gateways, next hops; a hit costs a multiply and a compare), and on a miss the
 * characters written to a scratch array and turned into one string by one call. Joining the four numbers with
 * `+` made up to six short-lived strings per address (short concatenations are copied, not linked).
 */
const IP_SLOTS = 4096;
const ipKeys = new Uint32Array(IP_SLOTS);
const ipTexts: string[] = new Array<string>(IP_SLOTS).fill('');

/** Per byte value: its decimal digits' character codes and how many there are. */
const D0 = new Uint8Array(256);
const D1 = new Uint8Array(256);
const D2 = new Uint8Array(256);
const DN = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  const s = String(i);
  DN[i] = s.length;
  D0[i] = s.charCodeAt(0);
  D1[i] = s.length > 1 ? s.charCodeAt(1) : 0;
  D2[i] = s.length > 2 ? s.charCodeAt(2) : 0;
}
const S = new Uint8Array(16);

/** Writes the decimal digits of byte `v` at `n` in the scratch array; returns where they end. */
function digits(v: number, n: number): number {
  S[n] = D0[v]!;
  S[n + 1] = D1[v]!;
  S[n + 2] = D2[v]!;
  return n + DN[v]!;
}

function text(n: number): string {
  const s = S;
  switch (n) {
    case 7:
      return String.fromCharCode(s[0]!, s[1]!, s[2]!, s[3]!, s[4]!, s[5]!, s[6]!);
    case 8:
      return String.fromCharCode(s[0]!, s[1]!, s[2]!, s[3]!, s[4]!, s[5]!, s[6]!, s[7]!);
    case 9:
      return String.fromCharCode(s[0]!, s[1]!, s[2]!, s[3]!, s[4]!, s[5]!, s[6]!, s[7]!, s[8]!);
    case 10:
      return String.fromCharCode(s[0]!, s[1]!, s[2]!, s[3]!, s[4]!, s[5]!, s[6]!, s[7]!, s[8]!, s[9]!);
    case 11:
      return String.fromCharCode(s[0]!, s[1]!, s[2]!, s[3]!, s[4]!, s[5]!, s[6]!, s[7]!, s[8]!, s[9]!, s[10]!);
    case 12:
      return String.fromCharCode(s[0]!, s[1]!, s[2]!, s[3]!, s[4]!, s[5]!, s[6]!, s[7]!, s[8]!, s[9]!, s[10]!, s[11]!);
    case 13:
      return String.fromCharCode(s[0]!, s[1]!, s[2]!, s[3]!, s[4]!, s[5]!, s[6]!, s[7]!, s[8]!, s[9]!, s[10]!, s[11]!, s[12]!);
    case 14:
      return String.fromCharCode(s[0]!, s[1]!, s[2]!, s[3]!, s[4]!, s[5]!, s[6]!, s[7]!, s[8]!, s[9]!, s[10]!, s[11]!, s[12]!, s[13]!);
    default:
      return String.fromCharCode(s[0]!, s[1]!, s[2]!, s[3]!, s[4]!, s[5]!, s[6]!, s[7]!, s[8]!, s[9]!, s[10]!, s[11]!, s[12]!, s[13]!, s[14]!);
  }
}

/** The dotted text of the IPv4 address at `o` (four bytes the caller checked are there). */
export function ipv4String(b: Uint8Array, o: number): string {
  const a0 = b[o]!;
  const a1 = b[o + 1]!;
  const a2 = b[o + 2]!;
  const a3 = b[o + 3]!;
  const k = ((a0 << 24) | (a1 << 16) | (a2 << 8) | a3) >>> 0;
  const slot = Math.imul(k, 0x9e3779b1) >>> 20;
  const hit = ipTexts[slot]!;
  if (ipKeys[slot] === k && hit !== '') return hit;
  let n = digits(a0, 0);
  S[n++] = 46;
  n = digits(a1, n);
  S[n++] = 46;
  n = digits(a2, n);
  S[n++] = 46;
  n = digits(a3, n);
  const s = text(n);
  ipKeys[slot] = k;
  ipTexts[slot] = s;
  return s;
}
