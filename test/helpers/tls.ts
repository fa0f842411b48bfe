/**
 * TLS in front of the real Temporal dev server (which serves plain gRPC only): a CA and certificates made with
 * openssl for this test run, and a TLS-terminating TCP proxy — as an ingress or Envoy terminates TLS in front of a
 * Temporal frontend — that can require client certificates (mTLS).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

export interface TestPki {
  dir: string;
  /** Paths of PEM files. */
  ca: string;
  otherCa: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: 'pipe' });
  } catch (e) {
    throw new Error(`openssl ${args[0]} failed (is openssl installed?): ${(e as Error).message}`, { cause: e });
  }
}

/** A CA, a second unrelated CA, a server certificate for 127.0.0.1/localhost and a client certificate, all signed by the CA. */
export function makePki(): TestPki {
  const dir = mkdtempSync(path.join(tmpdir(), 'docnotify-pki-'));
  const ca = (name: string) =>
    openssl(
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        `/CN=${name}`,
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.pem`,
      ],
      dir,
    );
  ca('ca');
  ca('other-ca');
  const leaf = (name: string, ext: string) => {
    writeFileSync(path.join(dir, `${name}.ext`), ext);
    openssl(
      ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`],
      dir,
    );
    openssl(
      [
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-days',
        '2',
        '-extfile',
        `${name}.ext`,
        '-out',
        `${name}.pem`,
      ],
      dir,
    );
  };
  leaf('server', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  leaf('client', 'extendedKeyUsage=clientAuth\n');
  const p = (f: string) => path.join(dir, f);
  return {
    dir,
    ca: p('ca.pem'),
    otherCa: p('other-ca.pem'),
    serverCert: p('server.pem'),
    serverKey: p('server.key'),
    clientCert: p('client.pem'),
    clientKey: p('client.key'),
  };
}

export interface TlsProxy {
  address: string;
  close(): Promise<void>;
}

/** Terminates TLS on a free loopback port and forwards the stream to `target` (host:port); `mtls` requires a client certificate signed by the CA. */
export async function startTlsProxy(pki: TestPki, target: string, mtls: boolean): Promise<TlsProxy> {
  const [host, port] = target.split(':');
  const sockets = new Set<net.Socket>();
  const server = tls.createServer(
    {
      key: readFileSync(pki.serverKey),
      cert: readFileSync(pki.serverCert),
      ca: readFileSync(pki.ca),
      requestCert: mtls,
      rejectUnauthorized: mtls,
      ALPNProtocols: ['h2'],
    },
    (client) => {
      const upstream = net.connect(Number(port), host);
      sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
    },
  );
  server.on('tlsClientError', () => undefined); // refused handshakes are the point of some tests
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: listening } = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${listening}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
