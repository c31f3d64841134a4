// The demo web service `npm start` deploys: an HTTP server answering with the task it runs as.
// shoal gives every task its port (PORT) and its node's address (HOST). /slow?ms=N answers
// the same after N ms (at most a minute): a request in flight, for drain tests and demos.
import { createServer } from 'node:http';

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8080);
const task = process.env.SHOAL_TASK_NAME ?? 'unknown';
const id = process.env.SHOAL_TASK_ID ?? '';

createServer((req, res) => {
  if (req.url === '/health') return res.end('ok\n');
  res.setHeader('content-type', 'text/plain');
  const hello = () => res.end(`hello from task ${task} (${id}) on ${host}:${port}\n`);
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname !== '/slow') return hello();
  const ms = Number(url.searchParams.get('ms') ?? 1000);
  if (!Number.isInteger(ms) || ms < 0 || ms > 60_000) {
    res.statusCode = 400;
    return res.end(`/slow?ms=N takes a whole number of milliseconds from 0 to 60000 (got ${url.searchParams.get('ms')})\n`);
  }
  setTimeout(hello, ms);
}).listen(port, host, () => console.log(`demo web server listening on ${host}:${port} as ${task}`));

process.on('SIGTERM', () => {
  console.log('SIGTERM: bye');
  process.exit(0);
});
