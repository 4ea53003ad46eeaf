import { execFileSync, spawnSync } from 'node:child_process';
import { createConnection } from 'node:net';

/** True when a Redis server answers PING on host:port. */
export function redisAnswers(host = '127.0.0.1', port = 6379, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

/**
 * The test command needs a real Redis on 127.0.0.1:6379 (DESIGN.md §7): start one when none answers and
 * redis-server is installed. Tests that need Redis skip with a printed reason when it still is not there.
 */
export default async function setup(): Promise<void> {
  if (await redisAnswers()) return;
  const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  if (which.status !== 0) {
    console.warn('[test setup] no Redis answers on 127.0.0.1:6379 and redis-server is not installed; Redis tests will be skipped');
    return;
  }
  execFileSync('redis-server', ['--daemonize', 'yes', '--port', '6379', '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  for (let i = 0; i < 50 && !(await redisAnswers()); i++) await new Promise((r) => setTimeout(r, 100));
  console.warn(`[test setup] started redis-server on 127.0.0.1:6379: ${(await redisAnswers()) ? 'answering' : 'NOT answering'}`);
}
