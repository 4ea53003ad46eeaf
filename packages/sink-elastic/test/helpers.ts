import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DeliveryReport, InMemoryDeadLetterStore, type OdmEvent, RetryingSink, type Sink, type SinkBatch } from '@sightline/core';
import { createTestContext } from '@sightline/core/testkit';

/** Delivers a batch through the runtime's RetryingSink with short, real backoff, as a pipeline would. */
export async function deliver(sink: Sink, batch: SinkBatch, policy: Partial<{ initialDelayMs: number; maxDelayMs: number; deadlineMs: number; maxAttempts: number }> = {}) {
  const deadLetter = new InMemoryDeadLetterStore();
  const retrying = new RetryingSink(sink, { policy: { initialDelayMs: 5, maxDelayMs: 50, deadlineMs: 20_000, maxAttempts: 50, ...policy }, deadLetter, pipeline: 'test' });
  const report: DeliveryReport = await retrying.deliver(batch, createTestContext({ step: sink.name }));
  return { report, dead: deadLetter.records };
}

/** Asserts the delivery accounting the issue asks for: delivered + dead-lettered = sent, each id in exactly one. */
export function accounting(sent: readonly OdmEvent[], deliveredIds: readonly string[], deadIds: readonly string[]) {
  const all = new Set(sent.map((e) => e.event_id));
  const delivered = new Set(deliveredIds);
  const dead = new Set(deadIds);
  return {
    duplicates: deliveredIds.length - delivered.size,
    overlap: [...delivered].filter((id) => dead.has(id)).length,
    missing: [...all].filter((id) => !delivered.has(id) && !dead.has(id)).length,
    unknown: [...delivered, ...dead].filter((id) => !all.has(id)).length,
    sum: delivered.size + dead.size,
  };
}

/** A throw-away CA and a certificate for 127.0.0.1 signed by it, made with openssl; undefined when openssl is absent. */
export function makeCertificates(): { ca: string; caFile: string; key: string; cert: string } | undefined {
  if (spawnSync('sh', ['-c', 'command -v openssl']).status !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'sl-tls-'));
  const run = (args: string[]): void => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
  };
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Sightline Test CA']);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
  require_ext(dir);
  run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf']);
  return { ca: readFileSync(join(dir, 'ca.pem'), 'utf8'), caFile: join(dir, 'ca.pem'), key: readFileSync(join(dir, 'server.key'), 'utf8'), cert: readFileSync(join(dir, 'server.pem'), 'utf8') };
}

function require_ext(dir: string): void {
  spawnSync('sh', ['-c', `printf 'subjectAltName=IP:127.0.0.1\\nbasicConstraints=CA:FALSE\\n' > ext.cnf`], { cwd: dir });
}
