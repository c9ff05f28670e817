/**
 * The OpenAPI 3.1 description the relay serves is valid (checked with a real OpenAPI validator)
 * and describes what the relay really answers: live answers validate against its schemas.
 */
import { Validator as OpenApiValidator } from '@seriousme/openapi-schema-validator';
import { Validator as JsonSchemaValidator } from '@cfworker/json-schema';
import { afterEach, describe, expect, it } from 'vitest';
import { API_OPERATIONS } from '../../src/lib/core/api/openapi';
import { relayScope } from '../../sync-server/testing/harness';
import { apiFetch, cliKey, commitPrompt, ownerDevice } from '../support/api-workspace';
import { settle } from '../support/relay-devices';

const relays = relayScope(afterEach);

type Doc = Record<string, unknown> & {
	paths: Record<
		string,
		Record<
			string,
			{ responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }
		>
	>;
};

/** A validator of the success answer of `method path`, resolving `$ref`s inside `doc`. */
function answerValidator(doc: Doc, path: string, method: string, status = '200') {
	const schema = doc.paths[path][method].responses[status].content!['application/json'].schema;
	return new JsonSchemaValidator({ ...doc, ...(schema as object) } as never, '2020-12', false);
}

describe('OpenAPI description', () => {
	it('is a valid OpenAPI 3.1 document generated from the request schemas', async () => {
		const relay = await relays.start();
		const res = await fetch(`${relay.relay.url}/v1/openapi.json`);
		expect(res.status).toBe(200);
		const doc = (await res.json()) as Doc;
		expect(doc.openapi).toBe('3.1.0');
		expect(doc.servers).toEqual([{ url: relay.relay.url }]);
		const result = await new OpenApiValidator().validate(doc as never);
		expect(result.errors ?? []).toEqual([]);
		expect(result.valid).toBe(true);
		// Every operation of the route table is described.
		for (const op of API_OPERATIONS)
			expect(doc.paths[op.path]?.[op.method.toLowerCase()]).toBeDefined();
		const render = doc.paths['/v1/prompts/{name}/render'].post as unknown as {
			requestBody: { content: { 'application/json': { schema: { $ref?: string } } } };
		};
		expect(render.requestBody.content['application/json'].schema).toEqual({
			$ref: '#/components/schemas/RenderRequestInput'
		});
		const components = (
			doc.components as { schemas: Record<string, { properties?: Record<string, unknown> }> }
		).schemas;
		expect(Object.keys(components.RenderRequestInput.properties ?? {})).toEqual(
			expect.arrayContaining(['variables', 'fewShotSets', 'strict'])
		);
	});

	it('describes the answers the relay gives', async () => {
		const relay = await relays.start();
		const { core } = await ownerDevice(relays, relay);
		await commitPrompt(core, { name: 'greet', content: 'Hello {{ name }}!', tags: ['demo'] }, [
			'production'
		]);
		await settle(core);
		const key = await cliKey(relay, 'team');
		const doc = (await (await fetch(`${relay.relay.url}/v1/openapi.json`)).json()) as Doc;

		const check = async (path: string, method: string, res: Response, status = '200') => {
			expect(res.status).toBe(Number(status));
			const body = await res.json();
			const result = answerValidator(doc, path, method, status).validate(body);
			expect(result.errors).toEqual([]);
		};
		await check('/v1/prompts', 'get', await apiFetch(relay, '/v1/prompts', key.secretKey));
		await check(
			'/v1/prompts/{name}',
			'get',
			await apiFetch(relay, '/v1/prompts/greet', key.secretKey)
		);
		await check(
			'/v1/prompts/{name}/render',
			'post',
			await apiFetch(relay, '/v1/prompts/greet/render', key.secretKey, {
				method: 'POST',
				body: JSON.stringify({ variables: { name: 'Ana' } })
			})
		);
		await check(
			'/api/public/v2/prompts/{name}',
			'get',
			await apiFetch(relay, '/api/public/v2/prompts/greet', key.secretKey)
		);
		await check(
			'/v1/prompts/{name}',
			'get',
			await apiFetch(relay, '/v1/prompts/nope', key.secretKey),
			'404'
		);
		await check('/v1/prompts', 'get', await apiFetch(relay, '/v1/prompts', 'sk-pl-wrong'), '401');
		const writer = await cliKey(relay, 'team', 'write');
		await check(
			'/v1/prompts/{name}/versions',
			'post',
			await apiFetch(relay, '/v1/prompts/greet/versions', writer.secretKey, {
				method: 'POST',
				body: JSON.stringify({ type: 'text', template: 'Hi {{ name }}', message: 'shorter' })
			}),
			'201'
		);
		await check(
			'/v1/prompts/{name}',
			'delete',
			await apiFetch(relay, '/v1/prompts/greet', writer.secretKey, { method: 'DELETE' })
		);
	});
});
