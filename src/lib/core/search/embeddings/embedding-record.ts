/** @module The stored shape of one cached embedding (Dexie table `embeddings`). */

/** One prompt's vector for one model; replaced when the prompt's text changes. */
export interface EmbeddingRecord {
	promptId: string;
	/** Id of the embedder that made the vector (see `Embedder.id`). */
	model: string;
	/** SHA-256 (hex) of the text that was embedded; a different hash means "re-embed". */
	contentHash: string;
	vector: Float32Array;
	updatedAt: number;
}
