#!/usr/bin/env node
// Reads a credential's Bitstring Status List status with the reference JS library
// (@digitalbazaar/vc-bitstring-status-list 2.0.1; see docs/adr/0003-edc-conformant-status.md).
//
// stdin:  {"credential": {...},
//          "statusLists": {"<statusListCredential URL>": {status list credential}, ...},
//          "didDocuments": [ {DID document}, ... ] (for the lists' did:web proofs)}
// stdout: {"method": "checkStatus" | "decodeList",
//          "checkStatusError": "..." (when the library's checkStatus refused the credential),
//          "results": [{"statusPurpose", "statusListIndex", "statusSize", "value", "message"}],
//          "errors": ["..."]}
//
// First the library's own `checkStatus` (fetch through the document loader, list credential
// verified with `eddsa-rdfc-2022`, issuers compared, purpose compared, `encodedList` decoded, bit
// `statusListIndex` read). Version 2.0.1 reads only entries whose `type` is exactly the string
// "BitstringStatusListEntry" and only 1-bit statuses, so for the EDC entry (type
// ["CredentialStatus", "BitstringStatusListEntry"], statusSize 2) this script does the same steps
// with the library's parts: `vc.verifyCredential` on the list, `decodeList`, and the entry's
// `statusSize` bits from index * statusSize (Bitstring Status List v1.0 §3.2), named by its
// `statusMessage`.
// exit: 0 read, 1 could not read, 2 bad request.

import * as vc from '@digitalbazaar/vc';
import {checkStatus, decodeList} from '@digitalbazaar/vc-bitstring-status-list';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {createDocumentLoader} from './loader.mjs';
import {errorMessages, readStdinJson, requireObject, run, UsageError} from './io.mjs';

function issuerId(c) {
  return typeof c.issuer === 'object' ? c.issuer?.id : c.issuer;
}

function entriesOf(credential) {
  const cs = credential.credentialStatus;
  return Array.isArray(cs) ? cs : (cs ? [cs] : []);
}

// The library's parts, one entry: the same steps as its checkStatus, for any statusSize.
async function readEntry({credential, entry, documentLoader, suite}) {
  const {document: list} = await documentLoader(entry.statusListCredential);
  const verified = await vc.verifyCredential({credential: list, suite, documentLoader});
  if(!verified.verified) {
    throw new Error('status list credential not verified: ' +
      errorMessages(verified.error).join('; '));
  }
  if(issuerId(list) !== issuerId(credential)) {
    throw new Error('issuers of the status list credential and the credential differ');
  }
  if(!list.type.includes('BitstringStatusListCredential')) {
    throw new Error('not a BitstringStatusListCredential');
  }
  if(list.credentialSubject.statusPurpose !== entry.statusPurpose) {
    throw new Error(`status purpose ${list.credentialSubject.statusPurpose} of the list ` +
      `is not the entry's ${entry.statusPurpose}`);
  }
  const bits = await decodeList({encodedList: list.credentialSubject.encodedList});
  const size = entry.statusSize ?? 1;
  const index = parseInt(entry.statusListIndex, 10);
  let value = 0;
  for(let k = 0; k < size; ++k) {
    value = (value << 1) | (bits.getStatus(index * size + k) ? 1 : 0);
  }
  const message = (entry.statusMessage ?? []).find(
    m => parseInt(m.status, 16) === value)?.message;
  return {
    statusPurpose: entry.statusPurpose, statusListIndex: entry.statusListIndex,
    statusSize: size, value, message
  };
}

run(async () => {
  const request = requireObject(await readStdinJson(), 'request');
  const credential = requireObject(request.credential, 'credential');
  const lists = requireObject(request.statusLists ?? {}, 'statusLists');
  let baseLoader;
  try {
    baseLoader = createDocumentLoader({didDocuments: request.didDocuments ?? []});
  } catch(e) {
    throw new UsageError(e.message);
  }
  const documentLoader = async url => {
    if(Object.hasOwn(lists, url)) {
      return {contextUrl: null, documentUrl: url, document: lists[url]};
    }
    return baseLoader(url);
  };
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
  const out = {method: 'checkStatus', results: [], errors: []};
  const lib = await checkStatus({credential, documentLoader, suite});
  if(lib.verified) {
    out.results = lib.results.map(r => ({
      statusPurpose: r.credentialStatus.statusPurpose,
      statusListIndex: r.credentialStatus.statusListIndex,
      statusSize: 1, value: r.status ? 1 : 0
    }));
  } else {
    out.method = 'decodeList';
    out.checkStatusError = errorMessages(lib.error).join('; ');
    for(const entry of entriesOf(credential)) {
      try {
        out.results.push(await readEntry({credential, entry, documentLoader, suite}));
      } catch(e) {
        out.errors.push(...errorMessages(e));
      }
    }
  }
  process.stdout.write(JSON.stringify(out) + '\n');
  return out.errors.length === 0 && out.results.length > 0 ? 0 : 1;
});
