import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';

const gzip = promisify(gzipCb);

export interface HecResponse {
  readonly status: number;
  readonly body: { text?: string; code?: number; ackId?: number; 'invalid-event-number'?: number; acks?: Record<string, boolean> } | undefined;
  readonly raw: string;
  readonly headers: Record<string, string | string[] | undefined>;
}

export interface HecClientOptions {
  readonly url: string;
  readonly token: string;
  readonly channel: string | undefined;
  readonly timeoutMs: number;
  readonly gzip: boolean;
  readonly ca?: Buffer;
  readonly rejectUnauthorized: boolean;
  readonly maxSockets: number;
}

/** A small keep-alive HTTP client for HEC: token header, channel header, gzip, timeouts, JSON answers. */
export class HecClient {
  readonly #o: HecClientOptions;
  readonly #base: URL;
  readonly #agent: HttpAgent;
  readonly #request: typeof httpRequest;

  constructor(options: HecClientOptions) {
    this.#o = options;
    this.#base = new URL(options.url);
    const https = this.#base.protocol === 'https:';
    this.#agent = https
      ? new HttpsAgent({ keepAlive: true, maxSockets: options.maxSockets, rejectUnauthorized: options.rejectUnauthorized, ...(options.ca === undefined ? {} : { ca: options.ca }) })
      : new HttpAgent({ keepAlive: true, maxSockets: options.maxSockets });
    this.#request = https ? (httpsRequest as typeof httpRequest) : httpRequest;
  }

  get channel(): string | undefined {
    return this.#o.channel;
  }

  async send(method: 'GET' | 'POST', path: string, body: string | undefined, extraHeaders: Record<string, string> = {}, signal?: AbortSignal): Promise<HecResponse> {
    let payload: Buffer | undefined = body === undefined ? undefined : Buffer.from(body);
    const headers: Record<string, string> = { authorization: `Splunk ${this.#o.token}`, ...extraHeaders };
    if (this.#o.channel !== undefined) headers['x-splunk-request-channel'] = this.#o.channel;
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      if (this.#o.gzip && payload.length > 256) {
        payload = await gzip(payload);
        headers['content-encoding'] = 'gzip';
      }
      headers['content-length'] = String(payload.length);
    }
    const url = new URL(path, this.#base);
    return new Promise<HecResponse>((resolve, reject) => {
      const req = this.#request(url, { method, headers, agent: this.#agent, timeout: this.#o.timeoutMs, ...(signal === undefined ? {} : { signal }) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          let parsed: HecResponse['body'];
          try {
            parsed = raw === '' ? undefined : (JSON.parse(raw) as HecResponse['body']);
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, raw, headers: res.headers });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.#o.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}
