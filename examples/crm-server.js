#!/usr/bin/env node
// A tiny CRM for trying scripts/order-status.yaml: clients by external id, on 127.0.0.1.
//
//   node examples/crm-server.js [port]          # default port 4010
//   npx botflow run scripts/order-status.yaml --payload '{"eId":"42"}' \
//     --env CRM_URL=http://127.0.0.1:4010 --env CRM_TOKEN=secret-token --allow-host 127.0.0.1 --json
//
// Clients: 42 has an order, 7 has none, anything else is unknown (404). It expects the header
// `Authorization: Bearer <CRM_TOKEN>` when the CRM_TOKEN environment variable is set.
import { createServer } from 'node:http';

const clients = {
  42: { name: 'John Smith', order: { product: 'Kettle', status: 'shipped' } },
  7: { name: 'Anna Ivanova', order: null },
};

const token = process.env.CRM_TOKEN;
const port = Number(process.argv[2] ?? process.env.PORT ?? 4010);

const server = createServer((request, response) => {
  const send = (status, body) => {
    response.writeHead(status, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  if (token && request.headers.authorization !== `Bearer ${token}`)
    return send(401, { error: 'unauthorized' });
  const match = /^\/clients\/([^/?#]+)$/.exec(new URL(request.url ?? '/', 'http://crm').pathname);
  if (request.method !== 'GET' || !match) return send(404, { error: 'not found' });
  const client = Object.hasOwn(clients, match[1]) ? clients[match[1]] : undefined;
  return client ? send(200, client) : send(404, { error: 'unknown client' });
});

server.listen(port, '127.0.0.1', () => {
  console.log(`CRM listening on http://127.0.0.1:${port}`);
});
