import { layOut, noiseBytes, perSize, type Picture, type Rgb } from './picture.ts';
import type { ImageSpec } from './png.ts';

/** About 200 KB per megapixel, what a lossy WebP result weighs. */
export const WEBP_BYTES_PER_PIXEL = 0.2;

// A lossless WebP (VP8L) with fixed prefix codes: literals for the words' row starts and the noise,
// and backward references (one pixel left, one row up) for everything that repeats.
const GREEN_LENGTHS = [
	...Array<number>(256).fill(9), // literal green values
	...Array<number>(8).fill(5), // length prefixes 0-7
	...Array<number>(16).fill(6), // length prefixes 8-23
];
const GREEN = canonicalCodes(GREEN_LENGTHS);
const BYTE = canonicalCodes(Array<number>(256).fill(8));
const CODE_LENGTH_ORDER = [17, 18, 0, 1, 2, 3, 4, 5, 16, 6, 7, 8, 9];
/** The code-length code: the lengths 5, 6, 8 and 9, two bits each. */
const LENGTH_CODE = new Map([5, 6, 8, 9].map((length, i) => [length, i]));
const MAX_COPY = 4096;
const UP = 0;
const LEFT = 1;
const NOISE_PIXEL_BITS = 9 + 8 + 8;

export function pictureWebp(spec: ImageSpec): Buffer[] {
	const { width, height } = spec;
	const noise = spec.weight === 'small' ? undefined : noisePixels(width, height);
	const picture = layOut({ ...spec, noiseRows: noise?.rows ?? 0 });
	const bits = new WebpBits();
	bits.put(0x2f, 8).put(width - 1, 14).put(height - 1, 14).put(0, 1).put(0, 3);
	bits.put(0, 1).put(0, 1).put(0, 1); // no transform, no colour cache, one group of prefix codes
	writeCode(bits, GREEN_LENGTHS);
	writeCode(bits, BYTE.lengths);
	writeCode(bits, BYTE.lengths);
	bits.put(1, 1).put(0, 1).put(1, 1).put(255, 8); // alpha: the one symbol 255
	bits.put(1, 1).put(1, 1).put(0, 1).put(UP, 1).put(LEFT, 8); // distance: two symbols, one bit each
	writeField(bits, picture);
	if (noise && picture.flatRows < height) bits.append(noise.bits(height - picture.flatRows), NOISE_PIXEL_BITS * width * (height - picture.flatRows));
	const data = bits.finish();
	const padded = data.length + (data.length % 2);
	const head = Buffer.alloc(20);
	head.write('RIFF', 0, 'ascii');
	head.writeUInt32LE(12 + padded, 4);
	head.write('WEBPVP8L', 8, 'ascii');
	head.writeUInt32LE(data.length, 16);
	return [head, Buffer.from(data.buffer, data.byteOffset, data.length), Buffer.alloc(padded - data.length)];
}

function writeField(bits: WebpBits, picture: Picture): void {
	const { width, cell } = picture;
	let previous = '';
	let repeat = 0;
	for (let y = 0; y < picture.flatRows; y += cell) {
		const rows = Math.min(cell, picture.flatRows - y);
		const runs: Array<{ colour: Rgb; length: number }> = [];
		for (let x = 0; x < width; x += cell) {
			const colour = picture.inkAt(x / cell, y / cell) ? picture.ink : picture.background;
			const length = Math.min(cell, width - x);
			const last = runs[runs.length - 1];
			if (last?.colour === colour) last.length += length;
			else runs.push({ colour, length });
		}
		const pattern = runs.map((run) => `${run.colour === picture.ink ? 1 : 0}${run.length}`).join();
		if (pattern === previous) {
			repeat += rows * width;
			continue;
		}
		copy(bits, repeat, UP);
		for (const run of runs) {
			literal(bits, run.colour[0], run.colour[1], run.colour[2]);
			copy(bits, run.length - 1, LEFT);
		}
		repeat = (rows - 1) * width;
		previous = pattern;
	}
	copy(bits, repeat, UP);
}

function literal(bits: WebpBits, red: number, green: number, blue: number): void {
	bits.code(GREEN, green).code(BYTE, red).code(BYTE, blue);
}

/** Backward references of `length` pixels in all, at most 4096 each. */
function copy(bits: WebpBits, length: number, distance: typeof UP | typeof LEFT): void {
	for (let left = length; left > 0; left -= MAX_COPY) {
		const { prefix, extraBits, extra } = prefixOf(Math.min(MAX_COPY, left));
		bits.code(GREEN, 256 + prefix).put(extra, extraBits).put(distance, 1);
	}
}

/** VP8L's prefix coding of a length (1-based). */
function prefixOf(value: number): { prefix: number; extraBits: number; extra: number } {
	const d = value - 1;
	if (d < 4) return { prefix: d, extraBits: 0, extra: 0 };
	const highest = 31 - Math.clz32(d);
	const second = (d >> (highest - 1)) & 1;
	const extraBits = highest - 1;
	return { prefix: 2 * highest + second, extraBits, extra: d & ((1 << extraBits) - 1) };
}

/** A normal prefix code, its lengths written with the code-length code. */
function writeCode(bits: WebpBits, lengths: number[]): void {
	bits.put(0, 1).put(CODE_LENGTH_ORDER.length - 4, 4);
	for (const symbol of CODE_LENGTH_ORDER) bits.put(LENGTH_CODE.has(symbol) ? 2 : 0, 3);
	bits.put(0, 1);
	for (const length of lengths) bits.put(reverse(LENGTH_CODE.get(length) as number, 2), 2);
}

interface Codes {
	lengths: number[];
	codes: number[];
}

/** Canonical prefix codes (as in deflate), each stored bit-reversed, ready to be written. */
function canonicalCodes(lengths: number[]): Codes {
	const codes = Array<number>(lengths.length).fill(0);
	let code = 0;
	for (let length = 1; length <= 15; length++) {
		for (let symbol = 0; symbol < lengths.length; symbol++) {
			if (lengths[symbol] === length) codes[symbol] = reverse(code++, length);
		}
		code <<= 1;
	}
	return { lengths, codes };
}

function reverse(code: number, length: number): number {
	let reversed = 0;
	for (let i = 0; i < length; i++) reversed |= ((code >> i) & 1) << (length - 1 - i);
	return reversed;
}

interface NoisePixels {
	rows: number;
	/** The last `rows` rows' pixels as literals, from bit 0; made once per size. */
	bits(rows: number): Uint8Array;
}

const noiseBySize = perSize<NoisePixels>();

function noisePixels(width: number, height: number): NoisePixels {
	return noiseBySize(`${width}x${height}`, () => {
		const rows = Math.min(height, Math.round((WEBP_BYTES_PER_PIXEL * 8 * height) / NOISE_PIXEL_BITS));
		let encoded: Uint8Array | undefined;
		return {
			rows,
			bits(wanted) {
				if (!encoded) {
					const random = noiseBytes(width * wanted * 3, width * 31 + wanted);
					const writer = new WebpBits();
					for (let i = 0; i < random.length; i += 3) literal(writer, random[i], random[i + 1], random[i + 2]);
					encoded = writer.finish();
				}
				return encoded;
			},
		};
	});
}

/** VP8L's bit order: least significant bit first. */
class WebpBits {
	private out = new Uint8Array(4096);
	private length = 0;
	private pending = 0;
	private pendingBits = 0;

	code(codes: Codes, symbol: number): this {
		return this.put(codes.codes[symbol], codes.lengths[symbol]);
	}

	/** At most 16 bits at a time. */
	put(value: number, count: number): this {
		this.pending |= value << this.pendingBits;
		this.pendingBits += count;
		while (this.pendingBits >= 8) {
			this.byte(this.pending & 0xff);
			this.pending >>>= 8;
			this.pendingBits -= 8;
		}
		return this;
	}

	/** `count` bits from the start of `bytes`, whatever this writer's bit position. */
	append(bytes: Uint8Array, count: number): void {
		const whole = count >> 3;
		this.reserve(whole + 1);
		const shift = this.pendingBits;
		let carry = this.pending;
		for (let i = 0; i < whole; i++) {
			const value = carry | (bytes[i] << shift);
			this.out[this.length++] = value & 0xff;
			carry = value >>> 8;
		}
		this.pending = carry;
		const rest = count & 7;
		if (rest > 0) this.put(bytes[whole] & ((1 << rest) - 1), rest);
	}

	finish(): Uint8Array {
		if (this.pendingBits > 0) this.put(0, 8 - this.pendingBits);
		return this.out.subarray(0, this.length);
	}

	private byte(value: number): void {
		this.reserve(1);
		this.out[this.length++] = value;
	}

	private reserve(count: number): void {
		if (this.length + count <= this.out.length) return;
		const grown = new Uint8Array(Math.max(this.out.length * 2, this.length + count));
		grown.set(this.out.subarray(0, this.length));
		this.out = grown;
	}
}
