/** @module A `SparseToDense` kernel for the TF.js WASM backend, which lacks one (USE lite needs it). */
import {
	registerKernel,
	getKernel,
	type DataType,
	type KernelConfig,
	type TensorInfo,
	type TypedArray
} from '@tensorflow/tfjs-core';

interface ReadWriteBackend {
	readSync(dataId: object): TypedArray | string[] | Uint8Array[];
	write(values: TypedArray, shape: number[], dtype: DataType): object;
}

/**
 * Dense tensor of `outputShape` filled with `defaultValue`, with `sparseValues` written at
 * `sparseIndices` (rank-1 or rank-2 indices; a scalar value is broadcast). Runs in JS on the
 * backend's memory: the tensor is tiny (one row per token) so this costs nothing measurable.
 */
const kernel: KernelConfig = {
	kernelName: 'SparseToDense',
	backendName: 'wasm',
	kernelFunc: ({ inputs, backend, attrs }) => {
		const b = backend as unknown as ReadWriteBackend;
		const { sparseIndices, sparseValues, defaultValue } = inputs as Record<string, TensorInfo>;
		const shape = (attrs as { outputShape: number[] }).outputShape;
		const indices = b.readSync(sparseIndices.dataId) as TypedArray;
		const values = b.readSync(sparseValues.dataId) as TypedArray;
		const fill = (b.readSync(defaultValue.dataId) as TypedArray)[0];
		const size = shape.reduce((a, x) => a * x, 1);
		const dtype = sparseValues.dtype;
		const out = dtype === 'float32' ? new Float32Array(size) : new Int32Array(size);
		out.fill(fill);
		const rank = sparseIndices.shape.length < 2 ? 1 : sparseIndices.shape[1];
		const count = sparseIndices.shape.length === 0 ? 1 : sparseIndices.shape[0];
		const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, x) => a * x, 1));
		for (let i = 0; i < count; i++) {
			let flat = 0;
			for (let d = 0; d < rank; d++) flat += indices[i * rank + d] * strides[d];
			out[flat] = values.length === 1 ? values[0] : values[i];
		}
		return { dataId: b.write(out, shape, dtype), shape, dtype };
	}
};

/** Registers the kernel once (safe to call repeatedly). */
export function registerSparseToDense(): void {
	if (!getKernel('SparseToDense', 'wasm')) registerKernel(kernel);
}
