// A small line chart as SVG text, no libraries: wall time against N.

export interface Series {
	name: string;
	color: string;
	dashed?: boolean;
	points: Array<{ x: number; y: number }>;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceStep(range: number, ticks: number): number {
	const raw = range / Math.max(1, ticks);
	const mag = 10 ** Math.floor(Math.log10(raw));
	const norm = raw / mag;
	const step = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10;
	return step * mag;
}

export function lineChart(opts: { title: string; subtitle?: string; xLabel: string; yLabel: string; series: Series[]; xTicks?: number[] }): string {
	const W = 820;
	const H = 470;
	const m = { left: 70, right: 250, top: 62, bottom: 56 };
	const pw = W - m.left - m.right;
	const ph = H - m.top - m.bottom;
	const all = opts.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
	const xMax = Math.max(1, ...all.map((p) => p.x));
	const yStep = niceStep(Math.max(1, ...all.map((p) => p.y)), 6);
	const yMax = Math.ceil(Math.max(1, ...all.map((p) => p.y)) / yStep) * yStep;
	const sx = (x: number) => m.left + (x / xMax) * pw;
	const sy = (y: number) => m.top + ph - (y / yMax) * ph;
	const out: string[] = [];
	out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
	out.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="#ffffff"/>`);
	out.push(`<text x="${m.left}" y="24" font-size="16" font-weight="bold" fill="#222">${esc(opts.title)}</text>`);
	if (opts.subtitle) out.push(`<text x="${m.left}" y="44" fill="#555">${esc(opts.subtitle)}</text>`);
	for (let y = 0; y <= yMax + 1e-9; y += yStep) {
		out.push(`<line x1="${m.left}" y1="${sy(y).toFixed(1)}" x2="${m.left + pw}" y2="${sy(y).toFixed(1)}" stroke="#e4e4e4"/>`);
		out.push(`<text x="${m.left - 8}" y="${(sy(y) + 4).toFixed(1)}" text-anchor="end" fill="#444">${Number(y.toFixed(3))}</text>`);
	}
	const xTicks = opts.xTicks ?? [...new Set(all.map((p) => p.x))].sort((a, b) => a - b);
	// 0 only when no tick sits so close to it that the labels would overlap.
	for (const x of xTicks.some((t) => t > 0 && t < xMax * 0.06) ? xTicks : [0, ...xTicks]) {
		out.push(`<line x1="${sx(x).toFixed(1)}" y1="${m.top + ph}" x2="${sx(x).toFixed(1)}" y2="${m.top + ph + 5}" stroke="#444"/>`);
		out.push(`<text x="${sx(x).toFixed(1)}" y="${m.top + ph + 19}" text-anchor="middle" fill="#444">${x}</text>`);
	}
	out.push(`<line x1="${m.left}" y1="${m.top + ph}" x2="${m.left + pw}" y2="${m.top + ph}" stroke="#444"/>`);
	out.push(`<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${m.top + ph}" stroke="#444"/>`);
	out.push(`<text x="${m.left + pw / 2}" y="${H - 14}" text-anchor="middle" fill="#222">${esc(opts.xLabel)}</text>`);
	out.push(`<text transform="translate(18 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle" fill="#222">${esc(opts.yLabel)}</text>`);
	opts.series.forEach((s, i) => {
		const pts = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)).sort((a, b) => a.x - b.x);
		if (pts.length) {
			const d = pts.map((p, j) => `${j ? 'L' : 'M'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ');
			out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2.2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
			for (const p of pts) out.push(`<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="3.5" fill="${s.color}"><title>${esc(`${s.name}: N=${p.x}, ${p.y.toFixed(2)} s`)}</title></circle>`);
		}
		const ly = m.top + 10 + i * 22;
		const lx = m.left + pw + 16;
		out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 26}" y2="${ly}" stroke="${s.color}" stroke-width="2.2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
		out.push(`<text x="${lx + 32}" y="${ly + 4}" fill="#222">${esc(s.name)}</text>`);
	});
	out.push('</svg>');
	return out.join('\n') + '\n';
}
