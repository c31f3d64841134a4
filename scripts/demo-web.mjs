// The demo web service `npm start` deploys: an HTTP server answering with the task it runs as.
// shoal gives every task its port (PORT) and its node's address (HOST).
import { createServer } from 'node:http';

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8080);
const task = process.env.SHOAL_TASK_NAME ?? 'unknown';
const id = process.env.SHOAL_TASK_ID ?? '';
// Set by the README's update step (`service update web --env-add VERSION=2`) to see the rollout.
const version = process.env.VERSION ? `, version ${process.env.VERSION}` : '';

createServer((req, res) => {
  if (req.url === '/health') return res.end('ok\n');
  res.setHeader('content-type', 'text/plain');
  res.end(`hello from task ${task} (${id}) on ${host}:${port}${version}\n`);
}).listen(port, host, () => console.log(`demo web server listening on ${host}:${port} as ${task}`));

process.on('SIGTERM', () => {
  console.log('SIGTERM: bye');
  process.exit(0);
});
