import net from 'node:net';
import { findFreePorts } from '../../src/dev/services';

test('free ports are distinct, below the ephemeral range (so no outgoing connection takes one meanwhile), and bindable', async () => {
  const ports = await findFreePorts(12);
  expect(new Set(ports).size).toBe(12);
  expect(ports.every((p) => p >= 20_000 && p <= 32_767)).toBe(true);
  for (const port of ports) {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve());
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
