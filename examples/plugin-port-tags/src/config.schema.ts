import type { JsonSchema } from '@sightline/core';

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ports: {
      type: 'object',
      description: 'Port number -> service name, added to the defaults.',
      additionalProperties: { type: 'string', minLength: 1 },
      default: {},
    },
    prefix: { type: 'string', default: 'service:', description: 'Prefix of the tag added to dst_tags.' },
  },
} as const satisfies JsonSchema;

export interface PortTagsConfig {
  readonly ports: Readonly<Record<string, string>>;
  readonly prefix: string;
}
