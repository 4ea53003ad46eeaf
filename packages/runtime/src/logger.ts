import type { LogFields, Logger } from '@sightline/core';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

function formatFields(fields?: LogFields): string {
  if (fields === undefined) return '';
  let s = '';
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    const text = typeof v === 'string' ? (/[\s="]/.test(v) ? JSON.stringify(v) : v) : JSON.stringify(v);
    s += ` ${k}=${text}`;
  }
  return s;
}

/** Logs one line per message to a writer (stderr by default): `level [scope] message key=value…`. */
export class StreamLogger implements Logger {
  readonly #min: number;
  readonly #write: (line: string) => void;
  readonly #scope: string;

  constructor(options: { level?: LogLevel; write?: (line: string) => void; scope?: string } = {}) {
    this.#min = ORDER[options.level ?? 'info'];
    this.#write = options.write ?? ((line) => process.stderr.write(line));
    this.#scope = options.scope ?? '';
  }

  child(scope: string): StreamLogger {
    const level = (Object.entries(ORDER).find(([, n]) => n === this.#min)?.[0] ?? 'info') as LogLevel;
    return new StreamLogger({ level, write: this.#write, scope: this.#scope === '' ? scope : `${this.#scope}/${scope}` });
  }

  #log(level: LogLevel, message: string, fields?: LogFields): void {
    if (ORDER[level] < this.#min) return;
    this.#write(`${level}${this.#scope === '' ? '' : ` [${this.#scope}]`} ${message}${formatFields(fields)}\n`);
  }

  debug(message: string, fields?: LogFields): void {
    this.#log('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.#log('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.#log('warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.#log('error', message, fields);
  }
}
