import type { LineFormat } from './line-format.js';
import { Slot, type SlotId } from './slots.js';

/**
 * Squid `logformat` strings (squid.conf) compiled to a line reader. The built-in `squid` format is Squid's
 * native access.log; a custom logformat is read the same way, so any layout Squid was configured with can be
 * decoded by giving the decoder the same logformat line.
 */

/** Squid's native access.log format (squid.conf `logformat squid`). */
export const SQUID_NATIVE = '%ts.%03tu %6tr %>a %Ss/%03>Hs %<st %rm %ru %[un %Sh/%<a %mt';

type Kind = 'int' | 'dec' | 'token' | 'text' | 'url' | 'clftime';

interface CodeInfo {
  readonly slot: SlotId;
  /** additional_attrs key when the slot is UNMAPPED. */
  readonly key: string;
  readonly kind: Kind;
}

const c = (slot: SlotId, key: string, kind: Kind): CodeInfo => ({ slot, key, kind });
const U = Slot.UNMAPPED;

/** Squid logformat codes (squid.conf.documented, `logformat`). Unknown codes are kept under their own name. */
const CODES: ReadonlyMap<string, CodeInfo> = new Map<string, CodeInfo>([
  ['ts', c(Slot.EPOCH, 'ts', 'int')],
  ['tu', c(Slot.EPOCH_MS, 'tu', 'int')],
  ['tl', c(Slot.LOCALTIME, 'tl', 'clftime')],
  ['tg', c(Slot.LOCALTIME, 'tg', 'clftime')],
  ['tr', c(Slot.DURATION_MS, 'tr', 'dec')],
  ['tS', c(U, 'start_time', 'dec')],
  ['dt', c(U, 'dns_time', 'dec')],
  ['<tt', c(U, 'server_time', 'dec')],
  ['<pt', c(U, 'peer_response_time', 'dec')],
  ['>a', c(Slot.SRC_IP, 'src_host', 'token')],
  ['>A', c(Slot.SRC_IP, 'src_host', 'token')],
  ['>p', c(Slot.SRC_PORT, 'src_port', 'int')],
  ['<a', c(Slot.SERVER_OR_PEER, 'server', 'token')],
  ['<A', c(Slot.SUPPLIER, 'server_name', 'token')],
  ['<p', c(Slot.S_PORT, 'server_port', 'int')],
  ['la', c(U, 'local_ip', 'token')],
  ['>la', c(U, 'local_ip', 'token')],
  ['lp', c(U, 'local_port', 'int')],
  ['>lp', c(U, 'local_port', 'int')],
  ['<la', c(U, 'server_local_ip', 'token')],
  ['<lp', c(U, 'server_local_port', 'int')],
  ['>eui', c(U, 'client_eui', 'token')],
  ['Ss', c(Slot.ACTION, 'Ss', 'token')],
  ['Sh', c(Slot.HIERARCHY, 'Sh', 'token')],
  ['>Hs', c(Slot.STATUS, 'status', 'int')],
  ['Hs', c(Slot.STATUS, 'status', 'int')],
  ['<Hs', c(U, 'server_status', 'int')],
  ['<st', c(Slot.IN_BYTES, 'reply_size', 'int')],
  ['>st', c(Slot.OUT_BYTES, 'request_size', 'int')],
  ['st', c(U, 'total_size', 'int')],
  ['<sh', c(U, 'reply_header_size', 'int')],
  ['>sh', c(U, 'request_header_size', 'int')],
  ['<bs', c(U, 'reply_body_size', 'int')],
  ['rm', c(Slot.METHOD, 'method', 'token')],
  ['>rm', c(Slot.METHOD, 'method', 'token')],
  ['<rm', c(U, 'server_method', 'token')],
  ['ru', c(Slot.URI, 'cs-uri', 'url')],
  ['>ru', c(Slot.URI, 'cs-uri', 'url')],
  ['<ru', c(U, 'server_url', 'token')],
  ['rp', c(Slot.PATH, 'path', 'token')],
  ['>rp', c(Slot.PATH, 'path', 'token')],
  ['rs', c(Slot.SCHEME, 'scheme', 'token')],
  ['>rs', c(Slot.SCHEME, 'scheme', 'token')],
  ['rd', c(Slot.HOST, 'host', 'token')],
  ['>rd', c(Slot.HOST, 'host', 'token')],
  ['rv', c(Slot.HTTP_VERSION, 'http_version', 'token')],
  ['>rv', c(Slot.HTTP_VERSION, 'http_version', 'token')],
  ['<rv', c(U, 'server_http_version', 'token')],
  ['un', c(Slot.USER, 'user', 'text')],
  ['ul', c(Slot.USER, 'user', 'text')],
  ['ui', c(Slot.USER_ALT, 'ident', 'text')],
  ['ue', c(Slot.USER_ALT, 'external_user', 'text')],
  ['us', c(Slot.USER_ALT, 'ssl_user', 'text')],
  ['mt', c(Slot.CTYPE, 'mime_type', 'token')],
  ['et', c(U, 'tag', 'token')],
  ['ea', c(U, 'annotation', 'token')],
  ['sn', c(U, 'sequence', 'int')],
  ['err_code', c(U, 'err_code', 'token')],
  ['err_detail', c(U, 'err_detail', 'token')],
  ['ssl::>sni', c(U, 'tls_sni', 'token')],
  ['ssl::bump_mode', c(U, 'ssl_bump_mode', 'token')],
  ['note', c(U, 'note', 'token')],
]);

const HEADERS: ReadonlyMap<string, SlotId> = new Map<string, SlotId>([
  ['referer', Slot.REFERRER],
  ['referrer', Slot.REFERRER],
  ['user-agent', Slot.BROWSER],
]);

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

interface Token {
  readonly code: string;
  readonly arg: string | undefined;
  readonly quoted: boolean;
}

const TOKEN = /%([-"[#'/]*)(\d*)(?:\.\d+)?(?:\{([^}]*)\})?([<>]{0,2}[A-Za-z][A-Za-z0-9_]*(?:::[<>]?[A-Za-z][A-Za-z0-9_]*)?)(?:\{([^}]*)\})?/y;

/** Splits a logformat into literals and tokens. Throws with a message naming the position on a bad `%`. */
function lex(format: string): (string | Token)[] {
  const out: (string | Token)[] = [];
  let lit = '';
  let i = 0;
  while (i < format.length) {
    const ch = format[i]!;
    if (ch !== '%') {
      lit += ch;
      i++;
      continue;
    }
    if (format[i + 1] === '%') {
      lit += '%';
      i += 2;
      continue;
    }
    TOKEN.lastIndex = i;
    const m = TOKEN.exec(format);
    if (m === null) throw new Error(`logformat ${JSON.stringify(format)}: cannot read the code at position ${i + 1}`);
    let code = m[4]!;
    // Codes run into following letters only when the logformat omits a separator: take the longest known prefix.
    if (!CODES.has(code) && code !== '>h' && code !== '<h') {
      for (let k = code.length - 1; k > 0; k--) {
        if (CODES.has(code.slice(0, k)) || code.slice(0, k) === '>h' || code.slice(0, k) === '<h') {
          code = code.slice(0, k);
          break;
        }
      }
    }
    if (lit !== '') out.push(lit);
    lit = '';
    out.push({ code, arg: m[3] ?? m[5], quoted: (m[1] ?? '').includes('"') });
    // Past the token; letters cut from an unknown code above are read again as literal text.
    i = code === m[4] ? m.index + m[0].length : m.index + m[0].length - (m[5] !== undefined ? m[5].length + 2 : 0) - (m[4]!.length - code.length);
  }
  if (lit !== '') out.push(lit);
  return out;
}

/** Compiles a Squid logformat. Throws an Error whose message says what is wrong with the format. */
export function compileSquidFormat(format: string, name = 'squid'): LineFormat {
  const parts = lex(format);
  if (!parts.some((p) => typeof p !== 'string')) throw new Error(`logformat ${JSON.stringify(format)} has no % codes`);
  let re = '^\\s*';
  let group = 0;
  const slots: number[] = [-1];
  const keys: string[] = [''];
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p]!;
    if (typeof part === 'string') {
      re += part
        .split(/(\s+)/)
        .map((s) => (s === '' ? '' : /^\s+$/.test(s) ? '\\s+' : escapeRe(s)))
        .join('');
      continue;
    }
    const prev = parts[p - 1];
    const next = parts[p + 1];
    const before = typeof prev === 'string' ? prev[prev.length - 1] : undefined;
    const after = typeof next === 'string' ? next[0] : undefined;
    let info = CODES.get(part.code);
    if (part.code === '>h' || part.code === '<h') {
      const header = (part.arg ?? '').toLowerCase();
      const slot = part.code === '>h' ? (HEADERS.get(header) ?? Slot.UNMAPPED) : header === 'content-type' ? Slot.CTYPE : Slot.UNMAPPED;
      info = { slot, key: `${part.code}${part.arg !== undefined ? `{${part.arg}}` : ''}`, kind: 'token' };
    }
    info ??= { slot: Slot.UNMAPPED, key: part.code, kind: 'token' };
    const stop = after !== undefined && !/\s/.test(after) ? escapeRe(after) : '';
    const value = group + 1;
    if (part.quoted) {
      re += `"((?:[^"\\\\]|\\\\.)*)"`;
      group += 1;
    } else if (before === '"' && after === '"') {
      re += `((?:[^"\\\\]|\\\\.)*)`;
      group += 1;
    } else if (info.kind === 'clftime') {
      re += '(\\d{1,2}\\/[A-Za-z]{3}\\/\\d{4}:\\d{2}:\\d{2}:\\d{2}(?: [+-]\\d{4})?)';
      group += 1;
    } else if (info.kind === 'int') {
      re += `(?=(-|\\d+))\\${value}`;
      group += 1;
    } else if (info.kind === 'dec') {
      re += `(?=(-|\\d+(?:\\.\\d+)?))\\${value}`;
      group += 1;
    } else if (info.kind === 'url') {
      // `scheme:// host/…`: a URL logged with a space after its scheme stays one value.
      re += `((?:[A-Za-z][A-Za-z0-9+.\\-]*:\\/\\/[ \\t]+)?(?=([^\\s${stop}]+))\\${value + 1})`;
      group += 2;
    } else if (info.kind === 'text') {
      // A user name is one token, or (LDAP DNs with spaces) the shortest text before what follows it.
      re += `((?=([^\\s${stop}]+))\\${value + 1}|.*?)`;
      group += 2;
    } else {
      re += `(?=([^\\s${stop}]+))\\${value}`;
      group += 1;
    }
    while (slots.length <= group) {
      slots.push(-1);
      keys.push('');
    }
    slots[value] = info.slot;
    keys[value] = info.key;
  }
  re += '(?:\\s+(.*?))?\\s*$';
  group += 1;
  slots.push(-1);
  keys.push('');
  return { name, regex: new RegExp(re), slots: Int32Array.from(slots), keys, extraGroup: group };
}
