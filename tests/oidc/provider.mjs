// A real OpenID Connect provider (panva's `oidc-provider`, OpenID Connect Core 1.0, RFC 7636 PKCE)
// for the staff console's SSO acceptance test (crates/issuer/tests/console_sso.rs, issue #18).
//
// Listens on 127.0.0.1 (a free port) and prints ONE line of JSON to stdout once it is ready:
// {"issuer":"http://127.0.0.1:PORT"}. It stops when stdin closes (the test's child handle drops).
//
// Argument 1: JSON {"clients":[{"client_id","client_secret","redirect_uri","alg":"RS256"|"ES256",
// "auth":"client_secret_basic"|"client_secret_post"}]}.
// Users (devInteractions: any password; the login name is the account): `officer` (group
// `credential-officers`), `admin` (group `credential-admins`), `nobody` (no group).
import http from 'node:http';
import { generateKeyPairSync } from 'node:crypto';

import Provider from 'oidc-provider';

const spec = JSON.parse(process.argv[2] ?? '{"clients":[]}');

const users = {
  officer: { name: 'Olga Officer', email: 'olga@example.test', groups: ['staff', 'credential-officers'] },
  admin: { name: 'Adam Admin', email: 'adam@example.test', groups: ['credential-admins'] },
  nobody: { name: 'Nina Nobody', email: 'nina@example.test', groups: ['students'] },
};

function jwk(type, options, alg, kid) {
  const { privateKey } = generateKeyPairSync(type, options);
  return { ...privateKey.export({ format: 'jwk' }), alg, use: 'sig', kid };
}

const keys = [
  jwk('rsa', { modulusLength: 2048 }, 'RS256', 'rs-1'),
  jwk('ec', { namedCurve: 'P-256' }, 'ES256', 'es-1'),
];

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: spec.clients.map((c) => ({
      client_id: c.client_id,
      client_secret: c.client_secret,
      redirect_uris: [c.redirect_uri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: c.auth ?? 'client_secret_basic',
      id_token_signed_response_alg: c.alg ?? 'RS256',
    })),
    jwks: { keys },
    scopes: ['openid', 'profile', 'email', 'groups'],
    claims: { openid: ['sub'], profile: ['name'], email: ['email'], groups: ['groups'] },
    // The scope's claims go into the ID token (the client reads roles from it, no userinfo call).
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    // Staff sign in to their own university's console: no consent screen.
    async loadExistingGrant(ctx) {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid profile email groups');
      grant.addOIDCClaims(['name', 'email', 'groups']);
      await grant.save();
      return grant;
    },
    async findAccount(_ctx, id) {
      const user = users[id];
      if (!user) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...user }) };
    },
  });
  // Plain http on loopback: the provider's cookies are not `Secure`.
  provider.proxy = false;
  server.on('request', provider.callback());
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
