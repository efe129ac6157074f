// Local TLS proxy for the W3C suites (issue #15 point 9), loopback only.
// Usage: node tls-proxy.cjs CERT KEY LISTEN_PORT TARGET_PORT [BEARER_TOKEN] [LISTEN_PORT TARGET_PORT [TOKEN]]...
// Each pair listens with https on 127.0.0.1:LISTEN_PORT and forwards to http://127.0.0.1:TARGET_PORT.
// When a token is given (the issuer), it adds `Authorization: Bearer TOKEN` to requests without one.
// With PROXY_LOG=FILE it appends one JSON line per exchange (method, path, status, and the first
// 4 KiB of request and response bodies) to FILE: what the suites sent and what we answered.
'use strict';
const fs = require('fs');
const http = require('http');
const https = require('https');

const [certFile, keyFile, ...rest] = process.argv.slice(2);
const tls = {cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile)};
const logFile = process.env.PROXY_LOG;
const cut = chunks => Buffer.concat(chunks).toString('utf8').slice(0, 4096);
const routes = [];
while(rest.length >= 2) {
  const listen = Number(rest.shift());
  const target = Number(rest.shift());
  const token = rest.length && !/^\d+$/.test(rest[0]) ? rest.shift() : undefined;
  routes.push({listen, target, token});
}

for(const {listen, target, token} of routes) {
  const server = https.createServer(tls, (req, res) => {
    const headers = {...req.headers};
    if(token && !headers.authorization) {
      headers.authorization = `Bearer ${token}`;
    }
    const upstream = http.request({
      host: '127.0.0.1', port: target, method: req.method, path: req.url, headers
    }, up => {
      res.writeHead(up.statusCode, up.headers);
      up.pipe(res);
      if(logFile) {
        const out = [];
        up.on('data', c => out.push(c));
        up.on('end', () => fs.appendFileSync(logFile, JSON.stringify({
          port: listen, method: req.method, path: req.url, status: up.statusCode,
          request: cut(sent), response: cut(out)
        }) + '\n'));
      }
    });
    upstream.on('error', err => {
      res.writeHead(502, {'content-type': 'text/plain'});
      res.end(`proxy: upstream 127.0.0.1:${target} failed: ${err.message}`);
    });
    const sent = [];
    if(logFile) {
      req.on('data', c => sent.push(c));
    }
    req.pipe(upstream);
  });
  server.listen(listen, '127.0.0.1', () => {
    console.log(`tls-proxy https://127.0.0.1:${listen} -> http://127.0.0.1:${target}` +
      (token ? ' (adds bearer token)' : ''));
  });
}
