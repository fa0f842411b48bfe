import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';
import { resolveTemporalConnection } from '../../src/temporal';
import { makePki, type TestPki } from '../helpers/tls';

let pki: TestPki;
beforeAll(() => {
  pki = makePki();
});

/** The ConfigError message loadConfig gives for this environment. */
function refused(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('accepted');
}

test('without settings: localhost:7233, namespace default, no TLS', () => {
  expect(resolveTemporalConnection({})).toEqual({
    address: 'localhost:7233',
    namespace: 'default',
    tls: undefined,
    apiKey: undefined,
    metadata: undefined,
  });
});

test('an API key travels as the SDK sends it, with TLS on by default', () => {
  const c = loadConfig({
    TEMPORAL_ADDRESS: 'ns.a1b2c.tmprl.cloud:7233',
    TEMPORAL_NAMESPACE: 'ns.a1b2c',
    TEMPORAL_API_KEY: 'key-123',
  }).temporal;
  expect(c).toMatchObject({
    address: 'ns.a1b2c.tmprl.cloud:7233',
    namespace: 'ns.a1b2c',
    apiKey: 'key-123',
    tls: true,
  });
  expect(loadConfig({ TEMPORAL_API_KEY: 'key-123', TEMPORAL_TLS: 'false' }).temporal.tls).toBe(false);
});

test('server CA and client certificate (mTLS) from files', () => {
  const c = loadConfig({
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.ca,
    TEMPORAL_TLS_CLIENT_CERT_PATH: pki.clientCert,
    TEMPORAL_TLS_CLIENT_KEY_PATH: pki.clientKey,
    TEMPORAL_TLS_SERVER_NAME: 'localhost',
  }).temporal;
  expect(typeof c.tls).toBe('object');
  const tls = c.tls as {
    serverRootCACertificate?: Uint8Array;
    clientCertPair?: { crt: Uint8Array; key: Uint8Array };
    serverNameOverride?: string;
  };
  expect(Buffer.from(tls.serverRootCACertificate!).toString()).toContain('BEGIN CERTIFICATE');
  expect(Buffer.from(tls.clientCertPair!.key).toString()).toContain('PRIVATE KEY');
  expect(tls.serverNameOverride).toBe('localhost');
});

test('a missing file, half a client pair or a file that is not PEM stops the program, naming the variable', () => {
  expect(refused({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/nonexistent/ca.pem' })).toMatch(
    /TEMPORAL_TLS_SERVER_CA_CERT_PATH: no such file: \/nonexistent\/ca\.pem/,
  );
  expect(refused({ TEMPORAL_TLS_CLIENT_CERT_PATH: pki.clientCert })).toMatch(
    /TEMPORAL_TLS_CLIENT_KEY_PATH: is required with a client certificate/,
  );
  expect(refused({ TEMPORAL_TLS_CLIENT_KEY_PATH: pki.clientKey })).toMatch(
    /TEMPORAL_TLS_CLIENT_CERT_PATH: is required with a client key/,
  );
  const junk = path.join(pki.dir, 'junk.pem');
  writeFileSync(junk, 'not a certificate');
  expect(refused({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: junk })).toMatch(
    /TEMPORAL_TLS_SERVER_CA_CERT_PATH: is not a PEM certificate/,
  );
  expect(refused({ TEMPORAL_TLS_CLIENT_CERT_PATH: pki.clientCert, TEMPORAL_TLS_CLIENT_KEY_PATH: junk })).toMatch(
    /TEMPORAL_TLS_CLIENT_KEY_PATH: is not a PEM private key/,
  );
  expect(refused({ TEMPORAL_CONFIG_FILE: '/nonexistent/temporal.toml' })).toMatch(/TEMPORAL_CONFIG_FILE: no such file/);
});

test('TEMPORAL_PROFILE of a temporal.toml, with the environment over it', () => {
  const file = path.join(pki.dir, 'temporal.toml');
  writeFileSync(
    file,
    [
      '[profile.default]',
      'address = "localhost:7233"',
      '',
      '[profile.staging]',
      'address = "staging.example.com:7233"',
      'namespace = "docs-staging"',
      'api_key = "staging-key"',
      '',
    ].join('\n'),
  );
  const staging = loadConfig({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'staging' });
  expect(staging.temporal).toMatchObject({
    address: 'staging.example.com:7233',
    namespace: 'docs-staging',
    apiKey: 'staging-key',
    tls: true,
  });
  expect(staging.TEMPORAL_ADDRESS).toBe('staging.example.com:7233'); // the variables read as the connection does
  expect(
    loadConfig({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'staging', TEMPORAL_NAMESPACE: 'override' }).temporal
      .namespace,
  ).toBe('override');
  expect(refused({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'nope' })).toMatch(/TEMPORAL_PROFILE: .*nope/);
});
