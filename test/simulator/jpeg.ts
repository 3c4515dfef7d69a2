import { layOut, noiseBytes, perSize, type Picture, type Rgb } from './picture.ts';
import type { ImageSpec } from './png.ts';

/** About 300 KB per megapixel, what a JPEG result weighs. */
export const JPEG_BYTES_PER_PIXEL = 0.3;

// A baseline JPEG written without any transform: a field block is its DC coefficient alone, and a
// noise block gets random AC coefficients directly. Every MCU row is a restart interval, so rows
// encode on their own and the noise rows of a size are encoded once and shared.

// Quantisation 8 for DC makes a flat block's coefficient exactly its level minus 128.
const QUANT = [8, ...Array<number>(63).fill(16)];
// Huffman codes as [length, code], shortest for what a field block is made of (no DC change, end of
// block): DC category 0 in 1 bit, 1-11 in 5; AC: end of block and size-1 and size-2 coefficients,
// the only symbols written.
const DC_CODES: Array<[number, number]> = Array.from({ length: 12 }, (_, category) => (category === 0 ? [1, 0] : [5, 0b10000 + category - 1]));
const AC_EOB: [number, number] = [1, 0b0];
const AC_ONE: [number, number] = [2, 0b10];
const AC_TWO: [number, number] = [3, 0b110];

export function pictureJpeg(spec: ImageSpec): Buffer[] {
	const { width, height } = spec;
	const mcuRows = Math.ceil(height / 8);
	const noise = spec.weight === 'small' ? undefined : noiseRows(width, height);
	const picture = layOut({ ...spec, noiseRows: noise ? noise.rows * 8 : 0 });
	const flatMcuRows = Math.ceil(picture.flatRows / 8);
	const segments: Uint8Array[] = [];
	const byCellRow = new Map<number, Uint8Array>();
	const byPattern = new Map<string, Uint8Array>();
	for (let row = 0; row < flatMcuRows; row++) {
		const cellRow = Math.floor((row * 8) / picture.cell);
		let bytes = byCellRow.get(cellRow);
		if (!bytes) {
			const pattern = fieldPattern(picture, cellRow);
			bytes = byPattern.get(pattern) ?? encodeFieldRow(picture, pattern);
			byPattern.set(pattern, bytes);
			byCellRow.set(cellRow, bytes);
		}
		segments.push(bytes);
	}
	const pieces: Uint8Array[] = [headers(width, height)];
	segments.forEach((bytes, row) => {
		pieces.push(bytes);
		if (row < mcuRows - 1) pieces.push(restart(row));
	});
	const end = Buffer.from([0xff, 0xd9]);
	if (!noise || flatMcuRows >= mcuRows) return [Buffer.concat([...pieces, end])];
	return [Buffer.concat(pieces), noise.encoded(flatMcuRows, mcuRows), end];
}

function restart(row: number): Buffer {
	return Buffer.from([0xff, 0xd0 + (row % 8)]);
}

/** Which blocks of a cell row are ink, as a string of 0/1. */
function fieldPattern(picture: Picture, cellRow: number): string {
	let pattern = '';
	for (let x = 0; x < picture.width; x += 8) pattern += picture.inkAt(Math.floor(x / picture.cell), cellRow) ? '1' : '0';
	return pattern;
}

function encodeFieldRow(picture: Picture, pattern: string): Uint8Array {
	const writer = new JpegBits();
	const levels = { '0': levelsOf(picture.background), '1': levelsOf(picture.ink) };
	const previous = [0, 0, 0];
	for (const block of pattern) {
		const wanted = levels[block as '0' | '1'];
		for (let c = 0; c < 3; c++) {
			writer.dc(wanted[c] - previous[c]);
			writer.code(AC_EOB);
			previous[c] = wanted[c];
		}
	}
	return writer.finish();
}

function levelsOf([r, g, b]: Rgb): number[] {
	const y = 0.299 * r + 0.587 * g + 0.114 * b;
	const cb = -0.1687 * r - 0.3313 * g + 0.5 * b + 128;
	const cr = 0.5 * r - 0.4187 * g - 0.0813 * b + 128;
	return [y, cb, cr].map((v) => Math.round(v) - 128);
}

interface NoiseRows {
	rows: number;
	encoded(from: number, to: number): Buffer;
}

const noiseRowsBySize = perSize<NoiseRows>();
/** Noise rows repeat after this many: encoding each one takes longer than the rest of an image. */
const DISTINCT_NOISE_ROWS = 8;

/** The noise MCU rows for this size: enough of them for JPEG_BYTES_PER_PIXEL, encoded once. */
function noiseRows(width: number, height: number): NoiseRows {
	return noiseRowsBySize(`${width}x${height}`, () => {
		const sample = encodeNoiseRow(width, 0);
		const rows = Math.min(Math.ceil(height / 8), Math.round((JPEG_BYTES_PER_PIXEL * width * height) / sample.length));
		let bytes: Buffer | undefined;
		return {
			rows,
			// Rows [from, to) with the restart markers between them, the same for every image of the size.
			encoded(from, to) {
				if (!bytes) {
					const distinct = [sample, ...Array.from({ length: DISTINCT_NOISE_ROWS - 1 }, (_, i) => encodeNoiseRow(width, i + 1))];
					const pieces: Uint8Array[] = [];
					for (let row = from; row < to; row++) {
						pieces.push(distinct[row % DISTINCT_NOISE_ROWS]);
						if (row < to - 1) pieces.push(restart(row));
					}
					bytes = Buffer.concat(pieces);
				}
				return bytes;
			},
		};
	});
}

function encodeNoiseRow(width: number, row: number): Uint8Array {
	const blocks = Math.ceil(width / 8) * 3;
	const random = noiseBytes(blocks * 64, width * 8191 + row);
	const writer = new JpegBits();
	const previous = [0, 0, 0];
	for (let block = 0; block < blocks; block++) {
		const c = block % 3;
		const at = block * 64;
		const level = c === 0 ? (random[at] % 160) - 80 : (random[at] % 40) - 20;
		writer.dc(level - previous[c]);
		previous[c] = level;
		for (let k = 1; k < 64; k++) {
			const bits = random[at + k];
			if (bits & 1) writer.code(AC_TWO).bits(2, (bits >> 1) & 0b11);
			else writer.code(AC_ONE).bits(1, (bits >> 1) & 1);
		}
	}
	return writer.finish();
}

function headers(width: number, height: number): Buffer {
	const segment = (marker: number, body: number[]) => [0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];
	const huffman = (tableClass: number, codes: Array<[number, number]>, symbols: number[]) => {
		const counts = Array<number>(16).fill(0);
		for (const [length] of codes) counts[length - 1]++;
		return [tableClass << 4, ...counts, ...symbols];
	};
	const mcusPerRow = Math.ceil(width / 8);
	return Buffer.from([
		0xff, 0xd8,
		...segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]),
		...segment(0xdb, [0, ...QUANT]),
		...segment(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0]),
		...segment(0xc4, [
			...huffman(0, DC_CODES, DC_CODES.map((_, category) => category)),
			...huffman(1, [AC_EOB, AC_ONE, AC_TWO], [0x00, 0x01, 0x02]),
		]),
		...segment(0xdd, [mcusPerRow >> 8, mcusPerRow & 0xff]),
		...segment(0xda, [3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 63, 0]),
	]);
}

/** JPEG entropy-coded bits: most significant first, a 0xFF byte followed by 0x00, padded with ones. */
class JpegBits {
	private out = new Uint8Array(4096);
	private length = 0;
	private pending = 0;
	private pendingBits = 0;

	code([length, code]: [number, number]): this {
		return this.bits(length, code);
	}

	bits(count: number, value: number): this {
		this.pending = (this.pending << count) | (value & ((1 << count) - 1));
		this.pendingBits += count;
		while (this.pendingBits >= 8) {
			this.pendingBits -= 8;
			this.byte((this.pending >> this.pendingBits) & 0xff);
		}
		this.pending &= (1 << this.pendingBits) - 1;
		return this;
	}

	dc(difference: number): void {
		const category = difference === 0 ? 0 : 32 - Math.clz32(Math.abs(difference));
		this.code(DC_CODES[category]);
		if (category > 0) this.bits(category, difference >= 0 ? difference : difference + (1 << category) - 1);
	}

	finish(): Uint8Array {
		if (this.pendingBits > 0) this.bits(8 - this.pendingBits, 0xff);
		return this.out.subarray(0, this.length);
	}

	private byte(value: number): void {
		if (this.length + 2 > this.out.length) {
			const grown = new Uint8Array(this.out.length * 2);
			grown.set(this.out);
			this.out = grown;
		}
		this.out[this.length++] = value;
		if (value === 0xff) this.out[this.length++] = 0;
	}
}
