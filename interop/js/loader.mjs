// Offline JSON-LD document loader for the interop harness.
//
// Serves exactly:
//   * the contexts bundled in ../../crates/contexts/documents/, under the URLs of the `bundled!`
//     table in ../../crates/contexts/src/lib.rs (each file checked against its pinned SHA-256);
//   * did:key DIDs and their key URLs, built locally by @digitalbazaar/did-method-key (Ed25519);
//   * DID documents the caller passes in (e.g. did:web), and the verification methods inside them.
// Everything else throws an error naming the URL. Nothing is ever fetched over the network; the
// jsonld library's global default loader is replaced by one that refuses every URL, so a code
// path that forgets to pass `documentLoader` fails loudly instead of going online.

import {createHash} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {driver as didKeyDriver} from '@digitalbazaar/did-method-key';
import jsonld from 'jsonld';

const HERE = dirname(fileURLToPath(import.meta.url));
export const CONTEXTS_CRATE = join(HERE, '..', '..', 'crates', 'contexts');
export const DOCUMENTS_DIR = join(CONTEXTS_CRATE, 'documents');
const LIB_RS = join(CONTEXTS_CRATE, 'src', 'lib.rs');

// Never let jsonld fall back to its network loader.
jsonld.documentLoader = async url => {
  throw new Error(
    `Refusing to load "${url}": no document loader was passed and nothing is fetched ` +
    'over the network (interop harness).');
};

/**
 * Parses the `bundled!` table of crates/contexts/src/lib.rs into
 * [{url, file, sha256}], resolving `urls::NAME` constants from its `pub mod urls`.
 */
export function bundledTable(libRs = readFileSync(LIB_RS, 'utf8')) {
  const consts = new Map();
  for(const m of libRs.matchAll(/pub const (\w+): &str = "([^"]+)";/g)) {
    consts.set(m[1], m[2]);
  }
  const start = libRs.indexOf('bundled! {');
  if(start < 0) {
    throw new Error(`no "bundled! {" table found in ${LIB_RS}`);
  }
  const end = libRs.indexOf('\n}', start);
  const body = libRs.slice(start, end);
  const entries = [];
  const re = /^\s*(urls::(\w+)|"([^"]+)")\s*=>\s*"([^"]+)"\s*,\s*"([0-9a-f]{64})"\s*;/gm;
  for(const m of body.matchAll(re)) {
    let url = m[3];
    if(m[2] !== undefined) {
      url = consts.get(m[2]);
      if(!url) {
        throw new Error(`lib.rs: unknown constant urls::${m[2]}`);
      }
    }
    entries.push({url, file: m[4], sha256: m[5]});
  }
  if(entries.length === 0) {
    throw new Error(`no entries parsed from the bundled! table in ${LIB_RS}`);
  }
  return entries;
}

let contextCache;

/** URL → parsed context document, for every bundled context (read and pin-checked once). */
export function bundledContexts() {
  if(contextCache) {
    return contextCache;
  }
  const map = new Map();
  for(const {url, file, sha256} of bundledTable()) {
    const bytes = readFileSync(join(DOCUMENTS_DIR, file));
    const actual = createHash('sha256').update(bytes).digest('hex');
    if(actual !== sha256) {
      throw new Error(
        `bundled context ${file} (${url}) has SHA-256 ${actual}, pinned ${sha256}`);
    }
    map.set(url, JSON.parse(bytes.toString('utf8')));
  }
  contextCache = map;
  return map;
}

const didKey = didKeyDriver();
didKey.use({
  multibaseMultikeyHeader: 'z6Mk',
  fromMultibase: Ed25519Multikey.from
});

/** The DID document of a did:key (Ed25519), built locally. */
export async function didKeyDocument(did) {
  return didKey.get({did});
}

const VR_TERMS = [
  'verificationMethod', 'assertionMethod', 'authentication',
  'capabilityInvocation', 'capabilityDelegation', 'keyAgreement'
];

function findMethod(doc, url) {
  const fragment = url.slice(url.indexOf('#'));
  for(const term of VR_TERMS) {
    for(const vm of jsonld.getValues(doc, term)) {
      if(vm && typeof vm === 'object' && (vm.id === url || vm.id === fragment)) {
        return {...vm, id: url};
      }
    }
  }
  return undefined;
}

/**
 * Creates the offline loader.
 *
 * @param {object} [options]
 * @param {object[]} [options.didDocuments] - DID documents (with `id`) the loader may serve,
 *   for DIDs of methods other than did:key (e.g. did:web).
 * @returns {Function} a jsonld.js / jsonld-signatures document loader.
 */
export function createDocumentLoader({didDocuments = []} = {}) {
  const contexts = bundledContexts();
  const dids = new Map();
  for(const doc of didDocuments) {
    if(!doc || typeof doc !== 'object' || typeof doc.id !== 'string' ||
      !doc.id.startsWith('did:')) {
      throw new TypeError('each entry of "didDocuments" must be an object with a DID "id"');
    }
    dids.set(doc.id, doc);
  }
  return async function documentLoader(url) {
    const done = document => ({contextUrl: null, documentUrl: url, document});
    if(typeof url !== 'string') {
      throw new TypeError(`document loader: URL must be a string, got ${typeof url}`);
    }
    if(contexts.has(url)) {
      return done(contexts.get(url));
    }
    if(url.startsWith('did:key:')) {
      return done(await didKey.get({url}));
    }
    if(url.startsWith('did:')) {
      const hash = url.indexOf('#');
      const did = hash < 0 ? url : url.slice(0, hash);
      const doc = dids.get(did);
      if(doc) {
        if(hash < 0) {
          return done(doc);
        }
        const vm = findMethod(doc, url);
        if(vm) {
          return done({'@context': doc['@context'], ...vm});
        }
        throw new Error(
          `Refusing to load "${url}": DID document ${did} has no verification method with that id.`);
      }
      throw new Error(
        `Refusing to load "${url}": not a did:key and no DID document for ${did} was provided.`);
    }
    throw new Error(
      `Refusing to load "${url}": not a bundled context (crates/contexts/documents/) and ` +
      'nothing is fetched over the network.');
  };
}
