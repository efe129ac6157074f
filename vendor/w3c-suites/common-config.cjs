// Shared settings for the LocalRust implementation (our issuer + verifier), read by each suite's localConfig.cjs
// (written by scripts/w3c-suites.sh). common-config.example.cjs as vendored, plus `vpVerifiers`
// (POST /presentations/verify, issue #15 point 1): without it the VC 2.0 suite's VP tests have no
// endpoint and fail as "Failed to reject ... VP".
// ISSUER_URL / VERIFIER_URL / ISSUER_DID may be overridden by env (setup B for the Bitstring suite).
const ISSUER_URL = process.env.ISSUER_URL || 'https://127.0.0.1:18443';
const VERIFIER_URL = process.env.VERIFIER_URL || 'https://127.0.0.1:18493';
const ISSUER_DID = process.env.ISSUER_DID || 'did:web:localhost%3A18080:universities:eth';
const VERIFY_CHECKS = process.env.VERIFY_CHECKS; // e.g. "proof" or "proof,revocation"; unset = send no options
const ISSUER_OPTIONS = process.env.ISSUER_OPTIONS; // JSON, e.g. '{"credentialStatus":false}'; unset = send none
module.exports = function make(tags, extra = {}) {
  const verifier = {
    id: 'urn:enhance:local-verifier',
    endpoint: `${VERIFIER_URL}/credentials/verify`,
    tags
  };
  const vpVerifier = {
    id: 'urn:enhance:local-verifier',
    endpoint: `${VERIFIER_URL}/presentations/verify`,
    tags
  };
  if(VERIFY_CHECKS) {
    verifier.options = {checks: VERIFY_CHECKS.split(',')};
    vpVerifier.options = {checks: VERIFY_CHECKS.split(',')};
  }
  const issuer = {
    id: ISSUER_DID,
    endpoint: `${ISSUER_URL}/credentials/issue`,
    tags,
    ...(extra.issuer || {})
  };
  if(ISSUER_OPTIONS) issuer.options = JSON.parse(ISSUER_OPTIONS);
  return {
    settings: {enableInteropTests: false, testAllImplementations: false},
    implementations: [{
      name: 'LocalRust',
      implementation: 'enhance-credentials (issuer + verifier, release build)',
      issuers: [issuer],
      verifiers: [verifier],
      vpVerifiers: [vpVerifier]
    }]
  };
};
