import {
  checkWebhookUrl,
  isPublicAddress,
  WebhookDestinationError,
  type WebhookPolicy,
} from '../../src/webhooks/destination';

const strict: WebhookPolicy = { allowHttp: false, allowedHosts: [] };
const httpOk: WebhookPolicy = { allowHttp: true, allowedHosts: [] };

test.each([
  '127.0.0.1',
  '127.1.2.3',
  '10.0.0.1',
  '172.16.0.1',
  '172.31.255.255',
  '192.168.1.1',
  '169.254.169.254',
  '100.64.0.1',
  '0.0.0.0',
  '0.1.2.3',
  '224.0.0.1',
  '239.255.255.250',
  '255.255.255.255',
  '::1',
  '::',
  'fe80::1',
  'fc00::1',
  'fd12:3456::1',
  'ff02::1',
  '::ffff:127.0.0.1',
  '::ffff:10.0.0.1',
  '::ffff:169.254.169.254',
  '2001:db8::1',
  'not an address',
])('%s is not a public address', (address) => {
  expect(isPublicAddress(address)).toBe(false);
});

test.each(['8.8.8.8', '1.1.1.1', '93.184.216.34', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
  '%s is a public address',
  (address) => {
    expect(isPublicAddress(address)).toBe(true);
  },
);

describe('checkWebhookUrl', () => {
  const refused = async (url: string, policy = httpOk) => {
    const e = await checkWebhookUrl(url, policy).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(WebhookDestinationError);
    return (e as Error).message;
  };

  test('every address class of the issue is refused, in every spelling the URL parser accepts', async () => {
    for (const url of [
      'http://127.0.0.1:3000/',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]:3000/',
      'http://10.1.2.3/',
      'http://192.168.0.10/',
      'http://172.20.0.1/',
      'http://100.100.100.100/',
      'http://2130706433/',
      'http://0x7f.1/',
      'http://[::ffff:127.0.0.1]/',
      'http://[fd00::1]/',
      'http://0.0.0.0/',
    ]) {
      expect(await refused(url)).toMatch(/not a public address/);
    }
  });

  test('a host name that resolves to loopback is refused; one that does not resolve is refused', async () => {
    expect(await refused('http://localhost:3000/hooks')).toMatch(/localhost resolves to .*not a public address/);
    expect(await refused('https://metadata.google.internal/computeMetadata/v1/')).toMatch(
      /metadata\.google\.internal (does not resolve|resolves to)/,
    );
  });

  test('https is required unless plain http is allowed; credentials and relative URLs are refused', async () => {
    expect(await refused('http://8.8.8.8/hooks', strict)).toMatch(
      /must use https \(plain http needs WEBHOOK_ALLOW_HTTP=true\)/,
    );
    expect(await refused('ftp://8.8.8.8/hooks', httpOk)).toMatch(/must use https/);
    expect(await refused('https://user:pw@8.8.8.8/hooks', strict)).toMatch(/user name or password/);
    expect(await refused('/hooks', strict)).toMatch(/absolute URL/);
    await expect(checkWebhookUrl('https://8.8.8.8/hooks', strict)).resolves.toBeUndefined();
  });

  test('WEBHOOK_ALLOWED_HOSTS: only listed hosts, and those may be internal', async () => {
    const listed = { allowHttp: true, allowedHosts: ['127.0.0.1', '*.pipeline.test'] };
    expect(await refused('https://8.8.8.8/hooks', listed)).toMatch(/host 8\.8\.8\.8 is not in WEBHOOK_ALLOWED_HOSTS/);
    await expect(checkWebhookUrl('http://127.0.0.1:9/hooks', listed)).resolves.toBeUndefined();
  });
});
