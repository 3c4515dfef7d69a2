import { constants, crc32, deflateRawSync, deflateSync } from 'node:zlib';
import type { ImageWeight } from './types.ts';
import { hslToRgb, layOut, noiseBytes, perSize, type Picture, type Rgb } from './picture.ts';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Encodes 8-bit RGB pixels (width * height * 3 bytes) as a PNG. */
export function encodePng(width: number, height: number, rgb: Uint8Array): Buffer {
	const rowLength = width * 3;
	const raw = Buffer.alloc((rowLength + 1) * height);
	for (let y = 0; y < height; y++) {
		// Each scanline starts with filter type 0 (none).
		raw.set(rgb.subarray(y * rowLength, (y + 1) * rowLength), y * (rowLength + 1) + 1);
	}
	return Buffer.concat([
		SIGNATURE,
		chunk('IHDR', header(width, height)),
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

function colourFrom(seed: number): Rgb {
	const hue = (Math.abs(seed) % 360) / 360;
	return hslToRgb(hue, 0.65, 0.45);
}

export interface ImageSpec {
	width: number;
	height: number;
	seed: number;
	prompt: string;
	/** 'small': no noise band, a few KB whatever the size. */
	weight: ImageWeight;
}

/**
 * Bytes per pixel of a PNG result: about 1.5 MB at 1 MP, rising to about 8 MB at FLUX.2's 4 MP
 * (the sizes real results have, which the memory benchmark depends on).
 */
export function pngBytesPerPixel(pixels: number): number {
	const megapixels = pixels / 2 ** 20;
	return 1.5 + 0.5 * Math.min(1, Math.max(0, (megapixels - 1) / 3));
}

/**
 * A picture as a PNG, in pieces to write one after the other: the noise band is stored uncompressed
 * and its piece is shared by every image of the same size, so an image costs no copy of it.
 */
export function picturePng(spec: ImageSpec): Buffer[] {
	const { width, height } = spec;
	const rowLength = width * 3 + 1;
	const noiseRows =
		spec.weight === 'small' ? 0 : Math.round((pngBytesPerPixel(width * height) * width * height) / rowLength);
	const picture = layOut({ ...spec, noiseRows });
	const flat = flatRows(picture);
	const noise = picture.flatRows < height ? noiseChunk(width, height - picture.flatRows) : undefined;
	const adler = noise ? adler32Combine(flat.adler, noise.adler, noise.rawLength) : flat.adler;
	const end = Buffer.from([1, 0, 0, 0xff, 0xff, 0, 0, 0, 0]);
	end.writeUInt32BE(adler, 5);
	const compressed = deflateRawSync(flat.raw, { strategy: constants.Z_RLE, finishFlush: constants.Z_SYNC_FLUSH });
	return [
		Buffer.concat([
			SIGNATURE,
			chunk('IHDR', header(width, height)),
			chunk('IDAT', Buffer.concat([ZLIB_HEADER, compressed])),
		]),
		...(noise ? [noise.chunk] : []),
		Buffer.concat([chunk('IDAT', end), chunk('IEND', Buffer.alloc(0))]),
	];
}

const ZLIB_HEADER = Buffer.from([0x78, 0x01]);
const ADLER_BASE = 65521;

function header(width: number, height: number): Buffer {
	const bytes = Buffer.alloc(13);
	bytes.writeUInt32BE(width, 0);
	bytes.writeUInt32BE(height, 4);
	bytes[8] = 8; // bit depth
	bytes[9] = 2; // colour type: truecolour
	return bytes;
}

/**
 * The field rows, filtered so that they are nearly all zeros (which deflate's run-length strategy
 * packs fastest): within a cell row every pixel row is the one above (filter Up), and the first one
 * holds only the colour changes (filter Sub).
 */
function flatRows(picture: Picture): { raw: Buffer; adler: number } {
	const { width, cell } = picture;
	const rowLength = width * 3 + 1;
	const raw = scratch(rowLength * picture.flatRows);
	// Adler-32 over mostly zero bytes: each byte b at i adds b to A and b * (n - i) to B.
	let sum = 1;
	let weighted = 0;
	const put = (i: number, value: number) => {
		raw[i] = value;
		sum += value;
		weighted = (weighted + value * (raw.length - i)) % ADLER_BASE;
	};
	for (let y = 0; y < picture.flatRows; y++) {
		const start = y * rowLength;
		if (y % cell !== 0) {
			put(start, 2);
			continue;
		}
		put(start, 1);
		let previous: Rgb = [0, 0, 0];
		for (let x = 0; x < width; x += cell) {
			const colour = picture.inkAt(x / cell, y / cell) ? picture.ink : picture.background;
			if (colour === previous) continue;
			for (let c = 0; c < 3; c++) put(start + 1 + x * 3 + c, (colour[c] - previous[c]) & 0xff);
			previous = colour;
		}
	}
	const a = sum % ADLER_BASE;
	const b = (raw.length + weighted) % ADLER_BASE;
	return { raw, adler: ((b << 16) | a) >>> 0 };
}

let scratchBuffer = Buffer.alloc(0);

/** Zeroed working memory, reused: a fresh buffer of megabytes per image costs more than its deflate. */
function scratch(length: number): Buffer {
	if (scratchBuffer.length < length) scratchBuffer = Buffer.alloc(length);
	return scratchBuffer.subarray(0, length).fill(0);
}

const noiseChunks = perSize<{ chunk: Buffer; adler: number; rawLength: number }>();

/** `rows` rows of noise (filter none) in stored deflate blocks, as one IDAT chunk. */
function noiseChunk(width: number, rows: number): { chunk: Buffer; adler: number; rawLength: number } {
	return noiseChunks(`${width}x${rows}`, () => {
		const rowLength = width * 3 + 1;
		const raw = noiseBytes(rowLength * rows, width);
		for (let y = 0; y < rows; y++) raw[y * rowLength] = 0;
		const blocks: Buffer[] = [];
		for (let offset = 0; offset < raw.length; offset += 0xffff) {
			const piece = raw.subarray(offset, Math.min(raw.length, offset + 0xffff));
			const head = Buffer.from([0, piece.length & 0xff, piece.length >> 8, ~piece.length & 0xff, (~piece.length >> 8) & 0xff]);
			blocks.push(head, piece);
		}
		return { chunk: chunk('IDAT', Buffer.concat(blocks)), adler: adler32(raw), rawLength: raw.length };
	});
}

function adler32(bytes: Uint8Array): number {
	let a = 1;
	let b = 0;
	for (let i = 0; i < bytes.length; ) {
		const end = Math.min(bytes.length, i + 5552);
		for (; i < end; i++) {
			a += bytes[i];
			b += a;
		}
		a %= ADLER_BASE;
		b %= ADLER_BASE;
	}
	return ((b << 16) | a) >>> 0;
}

/** zlib's adler32_combine: the checksum of first + second from theirs and the second's length. */
function adler32Combine(first: number, second: number, secondLength: number): number {
	const rem = secondLength % ADLER_BASE;
	let sum1 = first & 0xffff;
	let sum2 = (rem * sum1) % ADLER_BASE;
	sum1 += (second & 0xffff) + ADLER_BASE - 1;
	sum2 += ((first >>> 16) & 0xffff) + ((second >>> 16) & 0xffff) + ADLER_BASE - rem;
	if (sum1 >= ADLER_BASE) sum1 -= ADLER_BASE;
	if (sum1 >= ADLER_BASE) sum1 -= ADLER_BASE;
	if (sum2 >= 2 * ADLER_BASE) sum2 -= 2 * ADLER_BASE;
	if (sum2 >= ADLER_BASE) sum2 -= ADLER_BASE;
	return ((sum2 << 16) | sum1) >>> 0;
}
