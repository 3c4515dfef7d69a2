import { crc32, deflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Encodes 8-bit RGB pixels (width * height * 3 bytes) as a PNG. */
export function encodePng(width: number, height: number, rgb: Uint8Array): Buffer {
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header[8] = 8; // bit depth
	header[9] = 2; // colour type: truecolour
	const rowLength = width * 3;
	const raw = Buffer.alloc((rowLength + 1) * height);
	for (let y = 0; y < height; y++) {
		// Each scanline starts with filter type 0 (none).
		raw.set(rgb.subarray(y * rowLength, (y + 1) * rowLength), y * (rowLength + 1) + 1);
	}
	return Buffer.concat([
		SIGNATURE,
		chunk('IHDR', header),
		chunk('IDAT', deflateSync(raw)),
		chunk('IEND', Buffer.alloc(0)),
	]);
}

function chunk(type: string, data: Buffer): Buffer {
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(typeAndData));
	return Buffer.concat([length, typeAndData, crc]);
}

/** A diagonal gradient between two colours with a soft light spot; the same seed gives the same picture. */
export function gradientPng(width: number, height: number, seed: number): Buffer {
	const from = colourFrom(seed);
	const to = colourFrom(seed * 7919 + 17);
	const spotX = (Math.abs(seed) % 97) / 97;
	const spotY = (Math.abs(seed) % 89) / 89;
	const rgb = new Uint8Array(width * height * 3);
	let offset = 0;
	for (let y = 0; y < height; y++) {
		const v = y / Math.max(1, height - 1);
		for (let x = 0; x < width; x++) {
			const u = x / Math.max(1, width - 1);
			const t = (u + v) / 2;
			const du = u - spotX;
			const dv = v - spotY;
			const glow = Math.max(0, 1 - Math.sqrt(du * du + dv * dv) * 2.2) * 0.6;
			for (let c = 0; c < 3; c++) {
				const base = from[c] + (to[c] - from[c]) * t;
				rgb[offset++] = base + (255 - base) * glow;
			}
		}
	}
	return encodePng(width, height, rgb);
}

function colourFrom(seed: number): [number, number, number] {
	const hue = (Math.abs(seed) % 360) / 360;
	return hslToRgb(hue, 0.65, 0.45);
}

function hslToRgb(h: number, s: number, l: number): [number, number, number] {
	const q = l < 0.5 ? l * (1 + s) : l + s - l * s;
	const p = 2 * l - q;
	const channel = (t: number) => {
		const k = (t + 1) % 1;
		if (k < 1 / 6) return p + (q - p) * 6 * k;
		if (k < 1 / 2) return q;
		if (k < 2 / 3) return p + (q - p) * (2 / 3 - k) * 6;
		return p;
	};
	return [channel(h + 1 / 3), channel(h), channel(h - 1 / 3)].map((x) => Math.round(x * 255)) as [
		number,
		number,
		number,
	];
}
