import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SightlineError, describeCause } from '@sightline/core';
import { ConsoleService, type ConsoleServiceOptions } from '../console-service.js';
import { buildConsoleApp } from './app.js';
import { isLoopback } from './security.js';

/** Where the package's build puts the page (`npm run build -w @sightline/console`). */
export const UI_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'ui');

export interface ConsoleOptions extends ConsoleServiceOptions {
  /** Address to listen on (default 127.0.0.1). Anything but loopback needs a token. */
  readonly host?: string;
  /** Port (default 8470; 0 picks a free one). */
  readonly port?: number;
  readonly token?: string;
  /** The built page (default: this package's dist/ui). */
  readonly uiDir?: string;
}

export interface RunningConsole {
  /** The address to open (with `?token=` when a token is required). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly service: ConsoleService;
  /** Whether the page was found (without it only the API answers). */
  readonly ui: boolean;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 8470;

/** Starts the console: the API and the page over a pipeline's runs and ratings. */
export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  const host = options.host ?? '127.0.0.1';
  const loopback = isLoopback(host);
  if (!loopback && (options.token === undefined || options.token === '')) {
    throw new SightlineError('SL_CONSOLE_UNSAFE_BIND', `the console would listen on ${host}, beyond this machine, without an access token`, { stage: 'config' });
  }
  const service = new ConsoleService(options);
  let port: number | undefined;
  const uiDir = options.uiDir ?? UI_DIR;
  const app = await buildConsoleApp({ service, uiDir, ...(options.token === undefined ? {} : { token: options.token }), ...(loopback ? { loopbackPort: () => port } : {}) });
  try {
    await app.listen({ host, port: options.port ?? DEFAULT_PORT });
  } catch (e) {
    service.close();
    await app.close().catch(() => undefined);
    throw new SightlineError('SL_CONSOLE_LISTEN_FAILED', `the console cannot listen on ${host}:${options.port ?? DEFAULT_PORT}: ${describeCause(e)}`, { stage: 'runtime', cause: e });
  }
  port = (app.server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shown}:${port}/${options.token === undefined ? '' : `?token=${encodeURIComponent(options.token)}`}`;
  return {
    url,
    host,
    port,
    service,
    ui: existsSync(join(uiDir, 'index.html')),
    async close() {
      service.close();
      await app.close();
    },
  };
}
