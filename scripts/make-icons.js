// Draws the app icons (indigo tile with woven threads) as PNGs, with no image library.
import { deflateSync } from 'node:zlib';
import { writeFileSync, mkdirSync } from 'node:fs';

const crcTable = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});
const crc32 = (buf) => {
	let c = 0xffffffff;
	for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
};
function chunk(type, data) {
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length);
	const body = Buffer.concat([Buffer.from(type), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body));
	return Buffer.concat([len, body, crc]);
}
function png(size, pixel) {
	const rows = [];
	for (let y = 0; y < size; y++) {
		const row = Buffer.alloc(1 + size * 4);
		for (let x = 0; x < size; x++) row.set(pixel(x / size, y / size), 1 + x * 4);
		rows.push(row);
	}
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(size, 0);
	ihdr.writeUInt32BE(size, 4);
	ihdr.set([8, 6, 0, 0, 0], 8);
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', ihdr),
		chunk('IDAT', deflateSync(Buffer.concat(rows))),
		chunk('IEND', Buffer.alloc(0))
	]);
}
function icon(maskable) {
	const inset = maskable ? 0 : 0.06;
	const radius = maskable ? 0 : 0.18;
	return (u, v) => {
		const x = (u - inset) / (1 - 2 * inset);
		const y = (v - inset) / (1 - 2 * inset);
		if (x < 0 || y < 0 || x > 1 || y > 1) return [0, 0, 0, 0];
		const dx = Math.max(radius - x, x - (1 - radius), 0);
		const dy = Math.max(radius - y, y - (1 - radius), 0);
		if (radius && dx * dx + dy * dy > radius * radius) return [0, 0, 0, 0];
		const cx = x - 0.5;
		const cy = y - 0.5;
		const inner = Math.abs(cx) < 0.3 && Math.abs(cy) < 0.3;
		if (inner) {
			const warp = Math.floor((cx + 0.3) / 0.12) % 2 === 0;
			const weft = Math.floor((cy + 0.3) / 0.12) % 2 === 0;
			if (warp && !weft) return [255, 255, 255, 255];
			if (!warp && weft) return [199, 210, 254, 255];
		}
		return [79, 70, 229, 255];
	};
}
mkdirSync('static/icons', { recursive: true });
writeFileSync('static/icons/icon-192.png', png(192, icon(false)));
writeFileSync('static/icons/icon-512.png', png(512, icon(false)));
writeFileSync('static/icons/icon-512-maskable.png', png(512, icon(true)));
console.log('icons written');
