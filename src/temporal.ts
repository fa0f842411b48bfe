/**
 * How every docnotify process reaches Temporal (issue 11): resolved as the Temporal CLI and SDKs resolve it, by
 * `@temporalio/envconfig` — the `TEMPORAL_PROFILE` profile of `temporal.toml` (`TEMPORAL_CONFIG_FILE`, or the
 * default path), then the environment over it: `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY` (TLS on
 * by default with a key), `TEMPORAL_TLS`, `TEMPORAL_TLS_SERVER_CA_CERT_PATH|DATA`, `TEMPORAL_TLS_CLIENT_CERT_PATH|DATA`
 * and `..._CLIENT_KEY_PATH|DATA` (mTLS), `TEMPORAL_TLS_SERVER_NAME`, `TEMPORAL_GRPC_META_*`.
 *
 * A bad or missing value stops the program with a message that names the variable or the file.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { TLSConfig } from '@temporalio/common/lib/internal-non-workflow';

export interface TemporalConnection {
  /** host:port of the frontend. @default localhost:7233 */
  address: string;
  /** @default default */
  namespace: string;
  /** true = TLS with the system's roots; an object for a CA, a client certificate (mTLS) or a server name. */
  tls?: TLSConfig | boolean;
  apiKey?: string;
  metadata?: Record<string, string>;
}

/** A connection setting that cannot work (loadConfig turns it into a ConfigError naming the variable). */
export class TemporalSettingError extends Error {
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'TemporalSettingError';
  }
}

const PATH_VARIABLES = [
  'TEMPORAL_CONFIG_FILE',
  'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
  'TEMPORAL_TLS_CLIENT_CERT_PATH',
  'TEMPORAL_TLS_CLIENT_KEY_PATH',
] as const;

const bad = (variable: string, problem: string) => new TemporalSettingError(variable, problem);

/** The connection of this environment (see the module comment). */
export function resolveTemporalConnection(env: NodeJS.ProcessEnv): TemporalConnection {
  const vars = Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''),
  );
  for (const name of PATH_VARIABLES) {
    if (vars[name] && !existsSync(vars[name])) throw bad(name, `no such file: ${vars[name]}`);
  }
  const cert = vars.TEMPORAL_TLS_CLIENT_CERT_PATH ?? vars.TEMPORAL_TLS_CLIENT_CERT_DATA;
  const key = vars.TEMPORAL_TLS_CLIENT_KEY_PATH ?? vars.TEMPORAL_TLS_CLIENT_KEY_DATA;
  if (cert && !key)
    throw bad(
      'TEMPORAL_TLS_CLIENT_KEY_PATH',
      'is required with a client certificate (mTLS needs both the certificate and its key)',
    );
  if (key && !cert)
    throw bad(
      'TEMPORAL_TLS_CLIENT_CERT_PATH',
      'is required with a client key (mTLS needs both the certificate and its key)',
    );
  let loaded: ReturnType<typeof loadClientConnectConfig>;
  try {
    loaded = loadClientConnectConfig({ profile: vars.TEMPORAL_PROFILE, overrideEnvVars: vars });
  } catch (e) {
    throw bad(
      vars.TEMPORAL_PROFILE ? 'TEMPORAL_PROFILE' : 'TEMPORAL_CONFIG_FILE',
      `${(e as Error).message}${vars.TEMPORAL_PROFILE ? ` (profile "${vars.TEMPORAL_PROFILE}")` : ''}`,
    );
  }
  const { connectionOptions: o, namespace } = loaded;
  const address = o.address ?? 'localhost:7233';
  if (!/^[^\s:]+:\d{1,5}$/.test(address) && !/^\[[0-9a-f:]+\]:\d{1,5}$/i.test(address))
    throw bad('TEMPORAL_ADDRESS', `must be host:port, e.g. localhost:7233 (got "${address}")`);
  const tls = o.tls ?? undefined;
  if (typeof tls === 'object') checkTls(tls, vars);
  const metadata = o.metadata
    ? Object.fromEntries(Object.entries(o.metadata).map(([k, v]) => [k, String(v)]))
    : undefined;
  return {
    address,
    namespace: namespace ?? 'default',
    tls,
    apiKey: typeof o.apiKey === 'string' ? o.apiKey : undefined,
    metadata,
  };
}

/** Certificates and keys that do not parse are refused now, naming their variable, not at the first connection. */
function checkTls(tls: TLSConfig, vars: Record<string, string>): void {
  const source = (what: string) =>
    vars[`TEMPORAL_TLS_${what}_PATH`]
      ? `TEMPORAL_TLS_${what}_PATH`
      : vars[`TEMPORAL_TLS_${what}_DATA`]
        ? `TEMPORAL_TLS_${what}_DATA`
        : `the profile's ${what.toLowerCase().replace(/_/g, ' ')}`;
  const parse = (what: string, read: () => unknown) => {
    try {
      read();
    } catch (e) {
      throw bad(
        source(what),
        `is not a PEM ${what.endsWith('KEY') ? 'private key' : 'certificate'} (${(e as Error).message})`,
      );
    }
  };
  if (tls.serverRootCACertificate) parse('SERVER_CA_CERT', () => new X509Certificate(tls.serverRootCACertificate!));
  if (tls.clientCertPair) {
    parse('CLIENT_CERT', () => new X509Certificate(tls.clientCertPair!.crt));
    parse('CLIENT_KEY', () => createPrivateKey(Buffer.from(tls.clientCertPair!.key)));
  }
}

/** Where a connection failure says what was tried. */
export function describeConnection(c: TemporalConnection): string {
  const tls =
    c.tls === undefined || c.tls === false
      ? 'no TLS'
      : typeof c.tls === 'object' && c.tls.clientCertPair
        ? 'mTLS'
        : 'TLS';
  return `Temporal at ${c.address} (namespace ${c.namespace}, ${tls}${c.apiKey ? ', API key' : ''})`;
}
