// The baseline measured in the same run: a raw Express 5 JSON endpoint on 127.0.0.1:0 (plain HTTP, like kubesim
// here). POST parses the JSON body (express.json) and echoes it with 201; GET answers a precomputed JSON body (a
// Buffer built once; set it with setListBody). ETag generation is off, as in kubesim.
import http from 'node:http';
import express from 'express';

export async function startBaseline({ listBody = '{"kind":"List","items":[]}' } = {}) {
  let list = Buffer.from(listBody);
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(express.json({ limit: '3mb' }));
  app.post('/api/v1/namespaces/:namespace/configmaps', (req, res) => {
    res.status(201).json(req.body);
  });
  app.get('/api/v1/namespaces/:namespace/configmaps', (req, res) => {
    res.type('application/json').send(list);
  });
  const server = http.createServer({ keepAliveTimeout: 60_000 }, app);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    setListBody(text) {
      list = Buffer.from(text);
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
