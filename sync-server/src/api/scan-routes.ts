/**
 * @module `/v1/scan` and `/v1/redact`: the security scanner on the relay, for applications that
 * want to check or clean text before they send it to a model (any API key of the workspace).
 */
import type { IncomingMessage } from 'node:http';
import { redact } from '../../../src/lib/core/security/scan/redact';
import { scanText } from '../../../src/lib/core/security/scan/scanner';
import { scanRequestSchema } from '../../../src/lib/core/security/scan/api-schemas';
import type { Router } from '../http/router';
import { authenticateKey } from './auth';
import type { ApiContext } from './context';
import { jsonAnswer, parseBody, sendAnswer } from './http';
import { apiRoute } from './v1-routes';

/** Registers the scan and redact routes. */
export function addScanRoutes(router: Router, ctx: ApiContext): void {
	const read = (req: IncomingMessage) =>
		authenticateKey(req, ctx.keys, ctx.limiter, 'read', { basic: false });

	router.add(
		'POST',
		'/v1/scan',
		apiRoute(async (req, res) => {
			await read(req);
			const body = await parseBody(req, ctx.maxBodyBytes, scanRequestSchema);
			const r = scanText(body.text, { kinds: body.kinds });
			sendAnswer(
				req,
				res,
				jsonAnswer({ findings: r.findings, injectionScore: r.injectionScore }, 'no-store')
			);
		})
	);

	router.add(
		'POST',
		'/v1/redact',
		apiRoute(async (req, res) => {
			await read(req);
			const body = await parseBody(req, ctx.maxBodyBytes, scanRequestSchema);
			const findings = scanText(body.text, { kinds: body.kinds ?? ['pii', 'secret'] }).findings;
			const r = redact(body.text, findings);
			// The placeholders and their values: the caller restores the model's answer with them.
			sendAnswer(req, res, jsonAnswer({ text: r.text, redactions: r.entries }, 'no-store'));
		})
	);
}
