export interface Size {
	width: number;
	height: number;
}

/** An image's width and height from its header (PNG, JPEG, WebP, GIF), or undefined. */
export function imageDimensions(bytes: Uint8Array): Size | undefined {
	const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	if (data.length >= 24 && data.readUInt32BE(0) === 0x89504e47) {
		return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
	}
	if (data.length >= 4 && data[0] === 0xff && data[1] === 0xd8) return jpegDimensions(data);
	if (data.length >= 30 && data.toString('ascii', 0, 4) === 'RIFF' && data.toString('ascii', 8, 12) === 'WEBP') {
		return webpDimensions(data);
	}
	if (data.length >= 10 && data.toString('ascii', 0, 3) === 'GIF') {
		return { width: data.readUInt16LE(6), height: data.readUInt16LE(8) };
	}
	return undefined;
}

function jpegDimensions(data: Buffer): Size | undefined {
	let at = 2;
	while (at + 9 <= data.length && data[at] === 0xff) {
		const marker = data[at + 1];
		const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
		if (isFrame) return { width: data.readUInt16BE(at + 7), height: data.readUInt16BE(at + 5) };
		at += 2 + data.readUInt16BE(at + 2);
	}
	return undefined;
}

function webpDimensions(data: Buffer): Size | undefined {
	switch (data.toString('ascii', 12, 16)) {
		case 'VP8 ':
			return { width: data.readUInt16LE(26) & 0x3fff, height: data.readUInt16LE(28) & 0x3fff };
		case 'VP8L': {
			const bits = data.readUInt32LE(21);
			return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
		}
		case 'VP8X':
			return { width: data.readUIntLE(24, 3) + 1, height: data.readUIntLE(27, 3) + 1 };
		default:
			return undefined;
	}
}

/** The bytes of an input image sent inline (base64, raw or in a data URI); undefined for a URL. */
export function inlineImage(value: unknown): Buffer | undefined {
	if (typeof value !== 'string' || /^https?:/i.test(value)) return undefined;
	const dataUri = /^data:[^,]*;base64,(.*)$/is.exec(value);
	return Buffer.from(dataUri ? dataUri[1] : value, 'base64');
}
