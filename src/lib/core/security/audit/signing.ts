/**
 * @module Device signing keys for the audit log: ECDSA P-256 over SHA-256 with WebCrypto only.
 * The private key is generated non-extractable (it can be stored in IndexedDB as a CryptoKey but
 * its bytes can never be read); the public key travels as a JWK in the key registry.
 */
import { base64UrlToBytes, bytesToBase64Url } from '../../util/crypto';
import { canonicalize, sha256Hex } from '../../vcs/canonical';

const ALGORITHM: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGN_PARAMS: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

/** A device's signing identity. */
export interface DeviceSigningKey {
	keyId: string;
	privateKey: CryptoKey;
	publicJwk: JsonWebKey;
}

function subtle(): SubtleCrypto {
	return globalThis.crypto.subtle;
}

/** Keeps only the public members of an EC JWK, in a fixed set, so the thumbprint is stable. */
export function publicPart(jwk: JsonWebKey): JsonWebKey {
	return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
}

/** Key id: SHA-256 (hex) of the canonical public JWK (`crv`, `kty`, `x`, `y`). */
export function keyIdOf(publicJwk: JsonWebKey): Promise<string> {
	return sha256Hex(canonicalize(publicPart(publicJwk)));
}

/** Generates a new device key pair; the private half is non-extractable. */
export async function generateDeviceKey(): Promise<DeviceSigningKey> {
	const pair = (await subtle().generateKey(ALGORITHM, false, ['sign', 'verify'])) as CryptoKeyPair;
	const publicJwk = publicPart(await subtle().exportKey('jwk', pair.publicKey));
	return { keyId: await keyIdOf(publicJwk), privateKey: pair.privateKey, publicJwk };
}

const toBase64Url = bytesToBase64Url;
const fromBase64Url = (text: string) =>
	/^[A-Za-z0-9_-]*$/.test(text) ? base64UrlToBytes(text) : null;

/** Signs the UTF-8 bytes of `message` (an entry hash); returns base64url. */
export async function signText(privateKey: CryptoKey, message: string): Promise<string> {
	const sig = await subtle().sign(SIGN_PARAMS, privateKey, new TextEncoder().encode(message));
	return toBase64Url(new Uint8Array(sig));
}

/** Imports a registry JWK for verification; null when it is not a usable P-256 public key. */
export async function importPublicKey(publicJwk: JsonWebKey): Promise<CryptoKey | null> {
	try {
		return await subtle().importKey('jwk', publicPart(publicJwk), ALGORITHM, true, ['verify']);
	} catch {
		return null;
	}
}

/** True when `signature` (base64url) is a valid signature of `message` by `publicKey`. */
export async function verifyText(
	publicKey: CryptoKey,
	message: string,
	signature: string
): Promise<boolean> {
	const bytes = fromBase64Url(signature);
	if (!bytes) return false;
	try {
		return await subtle().verify(SIGN_PARAMS, publicKey, bytes, new TextEncoder().encode(message));
	} catch {
		return false;
	}
}
