import { drawable, GLYPH_HEIGHT, GLYPH_WIDTH, inked } from './font.ts';

export type Rgb = readonly [number, number, number];

/**
 * What a simulated image shows: a field in a colour from the seed with the prompt's first words in
 * blocky letters on top, and below it a band of noise. The noise is what gives the file a realistic
 * weight (it does not compress); each encoder sizes the band for its format.
 */
export interface Picture {
	width: number;
	height: number;
	/** Side of one letter pixel, a multiple of 8 so that a JPEG block never straddles two. */
	cell: number;
	/** Pixel rows [0, flatRows) are the field with the words; the rest is noise. */
	flatRows: number;
	background: Rgb;
	ink: Rgb;
	/** Whether the cell at (column, row) is ink. */
	inkAt(column: number, row: number): boolean;
}

const MARGIN = 2;
const LINE_CELLS = GLYPH_HEIGHT + 2;
const MAX_LINES = 3;
const INK: Rgb = [246, 244, 236];

export function layOut(spec: {
	width: number;
	height: number;
	seed: number;
	prompt: string;
	noiseRows: number;
}): Picture {
	const { width, height } = spec;
	const cell = 8 * Math.max(1, Math.floor(Math.min(width, height) / 512));
	const flatRows = Math.min(height, Math.ceil(Math.max(0, height - spec.noiseRows) / cell) * cell);
	const columns = Math.floor((Math.ceil(width / cell) - 2 * MARGIN + 1) / (GLYPH_WIDTH + 1));
	const lineRoom = Math.floor((flatRows / cell - 2 * MARGIN + 2) / LINE_CELLS);
	const lines = wrap(drawable(spec.prompt) || `#${spec.seed}`, columns).slice(0, Math.min(MAX_LINES, lineRoom));
	return {
		width,
		height,
		cell,
		flatRows,
		background: colourOf(spec.seed),
		ink: INK,
		inkAt(column, row) {
			const line = Math.floor((row - MARGIN) / LINE_CELLS);
			const y = row - MARGIN - line * LINE_CELLS;
			const x = column - MARGIN;
			const char = lines[line]?.[Math.floor(x / (GLYPH_WIDTH + 1))];
			return row >= MARGIN && x >= 0 && char !== undefined && inked(char, x % (GLYPH_WIDTH + 1), y);
		},
	};
}

function wrap(text: string, columns: number): string[] {
	if (columns < 1) return [];
	const lines: string[] = [];
	for (const word of text.split(/\s+/).filter(Boolean)) {
		const last = lines.length - 1;
		if (last >= 0 && lines[last].length + 1 + word.length <= columns) lines[last] += ` ${word}`;
		else lines.push(word.slice(0, columns));
	}
	return lines;
}

/** Neighbouring seeds (and the images of one task, seed + index) land far apart on the colour wheel. */
function colourOf(seed: number): Rgb {
	const hue = (Math.abs(seed) * 0.618033988749895) % 1;
	return hslToRgb(hue, 0.6, 0.4);
}

export function hslToRgb(h: number, s: number, l: number): Rgb {
	const q = l < 0.5 ? l * (1 + s) : l + s - l * s;
	const p = 2 * l - q;
	const channel = (t: number) => {
		const k = (t + 1) % 1;
		if (k < 1 / 6) return p + (q - p) * 6 * k;
		if (k < 1 / 2) return q;
		if (k < 2 / 3) return p + (q - p) * (2 / 3 - k) * 6;
		return p;
	};
	return [channel(h + 1 / 3), channel(h), channel(h - 1 / 3)].map((x) => Math.round(x * 255)) as unknown as Rgb;
}

/**
 * A cache of what every image of one size shares (its noise), for the few sizes used last: making it
 * costs more than the rest of an image.
 */
export function perSize<T>(): (key: string, make: () => T) => T {
	const made = new Map<string, T>();
	return (key, make) => {
		let value = made.get(key);
		if (value === undefined) {
			value = make();
			if (made.size >= SIZES_KEPT) made.delete(made.keys().next().value as string);
			made.set(key, value);
		}
		return value;
	};
}

const SIZES_KEPT = 6;

/** The same bytes for the same key, fast: the noise every image of one size shares. */
export function noiseBytes(length: number, key: number): Buffer {
	const bytes = Buffer.alloc(length);
	const words = new Uint32Array(bytes.buffer, bytes.byteOffset, length >>> 2);
	let x = (key ^ 0x9e3779b9) >>> 0 || 1;
	for (let i = 0; i < words.length; i++) {
		x ^= x << 13;
		x ^= x >>> 17;
		x ^= x << 5;
		words[i] = x;
	}
	for (let i = words.length * 4; i < length; i++) bytes[i] = (i * 151) & 0xff;
	return bytes;
}
