/**
 * @module A tiny sentence-transformer-shaped model, generated in memory: a hand-encoded ONNX
 * `ModelProto` (token embedding → tanh → masked `last_hidden_state`, BERT's inputs and output),
 * a WordPiece `tokenizer.json`, `tokenizer_config.json` and `config.json`. transformers.js's
 * feature-extraction pipeline loads it like all-MiniLM-L6-v2 and mean-pools its output, so tests
 * run real ONNX inference without downloading weights.
 */
import { seededRandom } from '../../src/lib/core/search/embeddings/random';

/** Protobuf wire format, only what ONNX needs: varints, length-delimited fields, packed floats. */
class ProtoWriter {
	#bytes: number[] = [];

	#varint(n: number | bigint) {
		let v = BigInt.asUintN(64, BigInt(n));
		do {
			let byte = Number(v & 0x7fn);
			v >>= 7n;
			if (v) byte |= 0x80;
			this.#bytes.push(byte);
		} while (v);
	}

	int(field: number, value: number): this {
		this.#varint(field << 3);
		this.#varint(value);
		return this;
	}

	bytes(field: number, value: Uint8Array): this {
		this.#varint((field << 3) | 2);
		this.#varint(value.length);
		for (const b of value) this.#bytes.push(b);
		return this;
	}

	string(field: number, value: string): this {
		return this.bytes(field, new TextEncoder().encode(value));
	}

	message(field: number, build: (w: ProtoWriter) => void): this {
		const inner = new ProtoWriter();
		build(inner);
		return this.bytes(field, inner.finish());
	}

	finish(): Uint8Array {
		return Uint8Array.from(this.#bytes);
	}
}

// onnx.proto enum values used below.
const FLOAT = 1;
const INT64 = 7;
const ATTR_INT = 2;

type Dim = number | string;

function valueInfo(w: ProtoWriter, field: number, name: string, elemType: number, dims: Dim[]) {
	w.message(field, (v) =>
		v.string(1, name).message(2, (type) =>
			type.message(1, (tensor) =>
				tensor.int(1, elemType).message(2, (shape) => {
					for (const d of dims)
						shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
				})
			)
		)
	);
}

function node(
	w: ProtoWriter,
	op: string,
	inputs: string[],
	outputs: string[],
	intAttrs: Record<string, number> = {}
) {
	w.message(1, (n) => {
		for (const i of inputs) n.string(1, i);
		for (const o of outputs) n.string(2, o);
		n.string(3, `${op}_${outputs[0]}`).string(4, op);
		for (const [name, value] of Object.entries(intAttrs))
			n.message(5, (a) => a.string(1, name).int(3, value).int(20, ATTR_INT));
	});
}

function initializer(w: ProtoWriter, name: string, dims: number[], type: number, raw: Uint8Array) {
	w.message(5, (t) => {
		for (const d of dims) t.int(1, d);
		t.int(2, type).string(8, name).bytes(9, raw);
	});
}

/** The ONNX graph: `last_hidden_state = tanh(E[input_ids]) * attention_mask[..., None]`. */
export function tinyOnnxModel(vocabSize: number, dims: number, seed = 7): Uint8Array {
	// Deterministic weights in [-2, 2), so every generated model is identical.
	const random = seededRandom(seed);
	const weights = new Float32Array(vocabSize * dims).map(() => random() * 4 - 2);
	const axes = new BigInt64Array([2n]);
	const graph = (g: ProtoWriter) => {
		node(g, 'Gather', ['embeddings', 'input_ids'], ['token_vectors'], { axis: 0 });
		node(g, 'Tanh', ['token_vectors'], ['hidden']);
		node(g, 'Cast', ['attention_mask'], ['mask_float'], { to: FLOAT });
		node(g, 'Unsqueeze', ['mask_float', 'mask_axes'], ['mask_3d']);
		node(g, 'Mul', ['hidden', 'mask_3d'], ['last_hidden_state']);
		g.string(2, 'tiny-sentence-encoder');
		initializer(g, 'embeddings', [vocabSize, dims], FLOAT, new Uint8Array(weights.buffer));
		initializer(g, 'mask_axes', [1], INT64, new Uint8Array(axes.buffer));
		valueInfo(g, 11, 'input_ids', INT64, ['batch_size', 'sequence_length']);
		valueInfo(g, 11, 'attention_mask', INT64, ['batch_size', 'sequence_length']);
		valueInfo(g, 12, 'last_hidden_state', FLOAT, ['batch_size', 'sequence_length', dims]);
	};
	return new ProtoWriter()
		.int(1, 8) // ir_version
		.string(2, 'promptloom-tests')
		.message(7, graph)
		.message(8, (opset) => opset.string(1, '').int(2, 13))
		.finish();
}

const SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const WORDS = (
	'the a an of to and in for on with by from into as is are be this that it you your ' +
	'write summarize summary translate translation french english spanish german language text ' +
	'passage message email customer reply bullet bullets three short long tone formal sql query ' +
	'orders table database code review bug fix explain python function test story poem joke ' +
	'recipe cooking weather travel'
).split(' ');
const LETTERS = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('');

/** WordPiece vocabulary: special tokens, whole words, then letters (alone and as `##` pieces). */
export function tinyVocabulary(): string[] {
	return [...SPECIAL, ...WORDS, ...LETTERS, ...LETTERS.map((l) => `##${l}`)];
}

export interface TinyModelFiles {
	/** Path inside the model folder (`config.json`, `onnx/model.onnx`, …) → contents. */
	files: Map<string, Uint8Array>;
	dims: number;
}

/** Every file transformers.js reads for `pipeline('feature-extraction', <folder>)`. */
export function tinySentenceModel(options: { dims?: number; seed?: number } = {}): TinyModelFiles {
	const dims = options.dims ?? 32;
	const vocab = tinyVocabulary();
	const ids = Object.fromEntries(vocab.map((t, i) => [t, i]));
	const special = (content: string) => ({
		id: ids[content],
		content,
		single_word: false,
		lstrip: false,
		rstrip: false,
		normalized: false,
		special: true
	});
	const tokenizer = {
		version: '1.0',
		truncation: null,
		padding: null,
		added_tokens: SPECIAL.map(special),
		normalizer: {
			type: 'BertNormalizer',
			clean_text: true,
			handle_chinese_chars: true,
			strip_accents: null,
			lowercase: true
		},
		pre_tokenizer: { type: 'BertPreTokenizer' },
		post_processor: {
			type: 'BertProcessing',
			sep: ['[SEP]', ids['[SEP]']],
			cls: ['[CLS]', ids['[CLS]']]
		},
		decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
		model: {
			type: 'WordPiece',
			unk_token: '[UNK]',
			continuing_subword_prefix: '##',
			max_input_chars_per_word: 100,
			vocab: ids
		}
	};
	const tokenizerConfig = {
		tokenizer_class: 'BertTokenizer',
		do_lower_case: true,
		model_max_length: 128,
		cls_token: '[CLS]',
		sep_token: '[SEP]',
		pad_token: '[PAD]',
		unk_token: '[UNK]',
		mask_token: '[MASK]'
	};
	const config = {
		model_type: 'bert',
		architectures: ['BertModel'],
		hidden_size: dims,
		vocab_size: vocab.length,
		num_hidden_layers: 1,
		num_attention_heads: 1,
		intermediate_size: dims,
		max_position_embeddings: 128,
		pad_token_id: 0
	};
	const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
	return {
		dims,
		files: new Map([
			['config.json', json(config)],
			['tokenizer.json', json(tokenizer)],
			['tokenizer_config.json', json(tokenizerConfig)],
			['onnx/model.onnx', tinyOnnxModel(vocab.length, dims, options.seed)]
		])
	};
}

/** Writes the model's files under `<folder>/<modelId>/` (Node only). */
export async function writeTinySentenceModel(
	folder: string,
	modelId: string,
	options: { dims?: number; seed?: number } = {}
): Promise<TinyModelFiles> {
	const { mkdir, writeFile } = await import('node:fs/promises');
	const { dirname, join } = await import('node:path');
	const model = tinySentenceModel(options);
	for (const [path, data] of model.files) {
		const target = join(folder, modelId, path);
		await mkdir(dirname(target), { recursive: true });
		await writeFile(target, data);
	}
	return model;
}
