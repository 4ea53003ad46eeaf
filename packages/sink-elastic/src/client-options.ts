import { readFileSync } from 'node:fs';
import type { ClientOptions } from '@elastic/elasticsearch';
import { type PluginContext, SightlineError, describeCause, parseDuration } from '@sightline/core';
import type { ElasticSinkConfig } from './config.schema.js';

/**
 * Options for the official client. Its own retries are off (`maxRetries: 0`): retries, backoff and the deadline
 * live in one place, the runtime's RetryingSink, so a batch is never retried by two layers at once.
 */
export function clientOptions(config: ElasticSinkConfig, ctx: Pick<PluginContext, 'resolvePath'>): ClientOptions {
  const o: ClientOptions = { maxRetries: 0, requestTimeout: parseDuration(config.request_timeout), compression: config.compression, name: 'sightline' };
  if (config.cloud_id !== undefined) o.cloud = { id: config.cloud_id };
  else if (config.node !== undefined) o.node = typeof config.node === 'string' ? config.node : [...config.node];
  const a = config.auth;
  if (a?.api_key !== undefined) o.auth = { apiKey: a.api_key };
  else if (a?.bearer !== undefined) o.auth = { bearer: a.bearer };
  else if (a?.username !== undefined) o.auth = { username: a.username, password: a.password ?? '' };
  const tls: NonNullable<ClientOptions['tls']> = { rejectUnauthorized: config.tls.reject_unauthorized };
  if (config.tls.ca_file !== undefined) {
    const path = ctx.resolvePath(config.tls.ca_file);
    try {
      tls.ca = readFileSync(path);
    } catch (e) {
      throw new SightlineError('SL_PLUGIN_INIT_FAILED', `elastic: cannot read tls.ca_file ${path}: ${describeCause(e)}`, { stage: 'plugin', plugin: 'elastic', cause: e });
    }
  }
  o.tls = tls;
  return o;
}
