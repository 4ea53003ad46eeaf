import { createSocket, type Socket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { type InputChunk, type InputSource, type Logger, SightlineError, describeCause } from '@sightline/core';

export interface UdpInputOptions {
  readonly address: string;
  readonly port: number;
  readonly receiveBuffer: number;
  /** Datagrams held while the consumer is busy; more are dropped and counted. */
  readonly queue: number;
  readonly idleTimeoutMs?: number | undefined;
  readonly maxDatagrams?: number | undefined;
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** Called once the socket is bound, with the port (useful with port 0). */
  readonly onListening?: (address: string, port: number) => void;
}

/** The kernel's drop counter for a bound UDP socket, from /proc/net/udp(6) (Linux); undefined elsewhere. */
export async function kernelDrops(port: number, ipv6: boolean): Promise<number | undefined> {
  try {
    const text = await readFile(ipv6 ? '/proc/net/udp6' : '/proc/net/udp', 'utf8');
    const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
    let drops: number | undefined;
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 13 || !cols[1]!.endsWith(`:${hexPort}`)) continue;
      drops = (drops ?? 0) + Number(cols[cols.length - 1]);
    }
    return drops;
  } catch {
    return undefined;
  }
}

/**
 * A UDP listener as a datagram input (NetFlow/IPFIX exporters send this way). UDP has no back-pressure: when
 * the pipeline falls behind, datagrams beyond the queue are dropped. Nothing is dropped silently: the listener
 * counts its own drops and reads the kernel's drop counter for its socket, and both are in `stats()`.
 */
export function udpSource(options: UdpInputOptions): InputSource {
  const family = isIP(options.address) === 6 ? 'udp6' : 'udp4';
  const name = `udp://${family === 'udp6' ? `[${options.address}]` : options.address}:${options.port}`;
  let received = 0;
  let droppedQueue = 0;
  let kernelBaseline: number | undefined;
  let kernelNow: number | undefined;
  let boundPort = options.port;
  return {
    name,
    framing: 'datagram',
    stats: () => ({ received, dropped_queue: droppedQueue, dropped_kernel: kernelNow === undefined || kernelBaseline === undefined ? 0 : kernelNow - kernelBaseline }),
    async *chunks(): AsyncGenerator<InputChunk> {
      const socket: Socket = createSocket({ type: family, reuseAddr: false });
      const queue: InputChunk[] = [];
      let wake: (() => void) | undefined;
      let failure: unknown;
      let closed = false;
      const notify = (): void => {
        const w = wake;
        wake = undefined;
        w?.();
      };
      socket.on('message', (msg, rinfo) => {
        received++;
        if (queue.length >= options.queue) {
          droppedQueue++;
          if (droppedQueue === 1 || droppedQueue % 10_000 === 0) options.logger.warn(`${name}: pipeline is behind, ${droppedQueue} datagrams dropped so far (raise \`queue\` or add workers)`);
          return;
        }
        queue.push({ bytes: msg, offset: received - 1, receivedAt: Date.now(), peer: { address: rinfo.address, port: rinfo.port } });
        notify();
      });
      socket.on('error', (e) => {
        failure = e;
        notify();
      });
      try {
        await new Promise<void>((resolve, reject) => {
          socket.once('error', reject);
          socket.bind(options.port, options.address, () => {
            socket.off('error', reject);
            resolve();
          });
        });
      } catch (cause) {
        socket.close();
        throw new SightlineError('SL_INPUT_UNREADABLE', `cannot listen on ${name}: ${describeCause(cause)}`, { stage: 'input', cause });
      }
      try {
        socket.setRecvBufferSize(options.receiveBuffer);
      } catch (e) {
        options.logger.warn(`${name}: could not set the receive buffer to ${options.receiveBuffer} bytes: ${describeCause(e)}`);
      }
      boundPort = socket.address().port;
      kernelBaseline = await kernelDrops(boundPort, family === 'udp6');
      options.logger.info(`listening for datagrams on ${name.replace(`:${options.port}`, `:${boundPort}`)}`);
      options.onListening?.(options.address, boundPort);
      const onAbort = (): void => notify();
      options.signal.addEventListener('abort', onAbort);
      const dropTimer = setInterval(() => {
        void kernelDrops(boundPort, family === 'udp6').then((d) => (kernelNow = d));
      }, 1000);
      dropTimer.unref();
      let delivered = 0;
      try {
        for (;;) {
          if (failure !== undefined) throw new SightlineError('SL_INPUT_UNREADABLE', `${name} failed: ${describeCause(failure)}`, { stage: 'input', cause: failure });
          const next = queue.shift();
          if (next !== undefined) {
            yield next;
            delivered++;
            if (options.maxDatagrams !== undefined && delivered >= options.maxDatagrams) return;
            continue;
          }
          if (options.signal.aborted || closed) return;
          const idle = await new Promise<boolean>((resolve) => {
            const timer = options.idleTimeoutMs === undefined ? undefined : setTimeout(() => resolve(true), options.idleTimeoutMs);
            wake = () => {
              if (timer !== undefined) clearTimeout(timer);
              resolve(false);
            };
          });
          if (idle && queue.length === 0) return;
        }
      } finally {
        closed = true;
        clearInterval(dropTimer);
        options.signal.removeEventListener('abort', onAbort);
        kernelNow = await kernelDrops(boundPort, family === 'udp6');
        socket.close();
      }
    },
  };
}
