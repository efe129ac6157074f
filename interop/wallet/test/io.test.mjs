// The wallet talks to loopback hosts only: the address check itself (nothing is connected to).

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {assertLoopback} from '../lib/io.mjs';
import {didWebUrl} from '../lib/w3c.mjs';

test('loopback URLs pass, every other host and scheme is refused', () => {
  for(const ok of ['http://127.0.0.1:8080/x', 'https://localhost/a', 'http://[::1]:9/']) {
    assert.doesNotThrow(() => assertLoopback(ok), ok);
  }
  for(const bad of ['http://10.0.0.1/', 'http://192.168.1.2/', 'https://example.org/',
    'http://169.254.169.254/latest', 'file:///etc/passwd', 'http://127.0.0.1.nip.io/']) {
    assert.throws(() => assertLoopback(bad), /loopback hosts only/, bad);
  }
});

test('did:web resolves to https, to http for loopback hosts only', () => {
  assert.equal(didWebUrl('did:web:127.0.0.1%3A8080:universities:eth'),
    'http://127.0.0.1:8080/universities/eth/did.json');
  assert.equal(didWebUrl('did:web:example.org'), 'https://example.org/.well-known/did.json');
  assert.throws(() => didWebUrl('did:key:z6Mk'), /not a did:web/);
});
