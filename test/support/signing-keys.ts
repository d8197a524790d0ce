import { DEFAULT_SIGNATURE_MAX_AGE_SECONDS } from '../../shared/signing/headers.js';
import { generateSigningKey, publicJwks, type SigningKey } from '../../shared/signing/ed25519.js';
import { pkcs8Pem } from '../../shared/signing/private-keys.js';
import type { ConfiguredSignatureCheck } from '../../shared/signing/verifier-config.js';

/**
 * The test mesh signs with Ed25519, like the default mesh: one gateway key pair per test process
 * (jest gives each test file its own), whose public half the test subgraphs are given as a static
 * JWKS: the gateway's port, where its JWKS would be fetched from, is unknown when they start.
 */
export const TEST_SIGNING_KEY: SigningKey = generateSigningKey();

/** The JWK Set the test gateway publishes, and the test subgraphs verify against. */
export const TEST_GATEWAY_JWKS = publicJwks([TEST_SIGNING_KEY]);

/** What a test gateway's environment needs to sign as the test subgraphs expect: `loadGatewayConfig({ ...TEST_GATEWAY_SIGNING_ENV })`. */
export const TEST_GATEWAY_SIGNING_ENV: Readonly<Record<string, string>> = Object.freeze({ MESHGATE_SIGNING_KEY: pkcs8Pem([TEST_SIGNING_KEY]) });

/** The secret of the HMAC tests (MESHGATE_SIGNING=hmac). */
export const TEST_SUBGRAPH_SECRET = 'meshgate-test-subgraph-secret-for-jest-only';

/** The signature check of a test subgraph: Ed25519 against `TEST_GATEWAY_JWKS` (or the keys given). */
export function testSignatureCheck(keys: readonly SigningKey[] = [TEST_SIGNING_KEY]): ConfiguredSignatureCheck {
  return {
    verify: true,
    mode: 'ed25519',
    jwks: { kind: 'static', jwks: publicJwks(keys), source: 'the test gateway key set' },
    maxAgeSeconds: DEFAULT_SIGNATURE_MAX_AGE_SECONDS,
  };
}

/** The signature check of an HMAC test subgraph. */
export function hmacSignatureCheck(secrets: readonly string[] = [TEST_SUBGRAPH_SECRET]): ConfiguredSignatureCheck {
  return { verify: true, mode: 'hmac', secrets, maxAgeSeconds: DEFAULT_SIGNATURE_MAX_AGE_SECONDS };
}
