/** @module Verifying the signature of a Promptloom webhook delivery (WebCrypto: Node 20+, browsers, edge runtimes). */

/**
 * True when `header` (`X-Promptloom-Signature: t=<unix s>,v1=<hex>`) is the HMAC-SHA256 of
 * `"<t>.<body>"` with `secret`, and `t` is within `toleranceSeconds` of now (replays are refused).
 * Pass the raw request body, as received.
 */
export async function verifyWebhookSignature(
	secret: string,
	header: string | null | undefined,
	body: string,
	options: { toleranceSeconds?: number; now?: number } = {}
): Promise<boolean> {
	const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header?.trim() ?? '');
	if (!m) return false;
	const t = Number(m[1]);
	const now = (options.now ?? Date.now()) / 1000;
	if (Math.abs(now - t) > (options.toleranceSeconds ?? 300)) return false;
	const enc = new TextEncoder();
	const key = await crypto.subtle.importKey(
		'raw',
		enc.encode(secret),
		{ name: 'HMAC', hash: 'SHA-256' },
		false,
		['verify']
	);
	const sig = new Uint8Array(m[2].match(/../g)!.map((h) => parseInt(h, 16)));
	return crypto.subtle.verify('HMAC', key, sig, enc.encode(`${t}.${body}`));
}
