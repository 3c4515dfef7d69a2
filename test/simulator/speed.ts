// `node test/simulator/speed.ts` (Node 24): prints what drawing one result image costs, per format and
// size: the first image of a size (which makes the shared noise) and the average of the next ones.
import { pictureJpeg } from './jpeg.ts';
import { picturePng, type ImageSpec } from './png.ts';
import { pictureWebp } from './webp.ts';

const ROUNDS = 50;
const encoders = { png: picturePng, jpeg: pictureJpeg, webp: pictureWebp };
const sizes = [
	[1024, 768],
	[1024, 1024],
	[1440, 1440],
	[2048, 2048],
];

console.log('format  size        bytes      first ms  then ms/image');
for (const [format, encode] of Object.entries(encoders)) {
	for (const [width, height] of sizes) {
		const spec = (seed: number): ImageSpec => ({ width, height, seed, prompt: `a lighthouse at dawn ${seed}`, weight: 'realistic' });
		let started = performance.now();
		const bytes = encode(spec(0)).reduce((sum, piece) => sum + piece.length, 0);
		const first = performance.now() - started;
		started = performance.now();
		for (let seed = 1; seed <= ROUNDS; seed++) encode(spec(seed));
		const each = (performance.now() - started) / ROUNDS;
		console.log(
			`${format.padEnd(7)} ${`${width}x${height}`.padEnd(11)} ${String(bytes).padStart(9)}  ${first.toFixed(1).padStart(8)}  ${each.toFixed(2).padStart(8)}`,
		);
	}
}
