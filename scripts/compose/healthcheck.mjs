/* global process, console, fetch, AbortSignal */
// Container healthcheck of the docnotify image (the slim Node image has no curl): GET a /healthz URL, exit 0 on a
// 200, 1 otherwise, printing why (docker inspect shows it). Copied to /app/healthcheck.mjs by the Dockerfile.
//
//   node /app/healthcheck.mjs [URL ...]
//
// With URLs, the first one that answers decides (docker-compose.yml passes the web server's or the worker's).
// Without, it tries the web server (PORT, default 3000) and then the worker's METRICS_PORT, so one image-level
// HEALTHCHECK fits both commands. A URL that refuses the connection moves on to the next; a timeout or a non-200
// answer fails at once.
const urls = process.argv.slice(2);
if (urls.length === 0) {
  urls.push(`http://127.0.0.1:${process.env.PORT || 3000}/healthz`);
  if (process.env.METRICS_PORT) urls.push(`http://127.0.0.1:${process.env.METRICS_PORT}/healthz`);
}
const refused = [];
for (const url of urls) {
  let res;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(4000) });
  } catch (e) {
    if (e?.cause?.code === 'ECONNREFUSED') {
      refused.push(url);
      continue;
    }
    console.error(`unhealthy: ${url}: ${e?.cause?.message ?? e?.message ?? e}`);
    process.exit(1);
  }
  const body = (await res.text()).slice(0, 500);
  if (res.status === 200) {
    console.log(`healthy: ${url}: ${body}`);
    process.exit(0);
  }
  console.error(`unhealthy: ${url}: HTTP ${res.status} ${body}`);
  process.exit(1);
}
console.error(`unhealthy: nothing listens at ${refused.join(', ')}`);
process.exit(1);
