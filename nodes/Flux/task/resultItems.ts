import type { IBinaryData, IDataObject, IExecuteSingleFunctions, INodeExecutionData } from 'n8n-workflow';

import { withoutEchoes } from '../api/echoes';
import { apiError } from '../api/errors';
import { downloadImage } from './images';
import type { RunSettings } from './settings';
import type { TaskState } from '../api/taskState';
import { meaningOf } from '../api/taskStatus';

/** Fails with the status, why, and CometAPI's own words, unless the task succeeded. */
export function assertSucceeded(context: IExecuteSingleFunctions, task: TaskState) {
	const known = meaningOf(task.status);
	if (known?.outcome === 'succeeded') return;
	const reason = known?.reason ?? 'CometAPI reported a status this node does not know';
	const status = (known && known.shownAs) || task.status;
	const said = task.error ? `. CometAPI says: ${task.error}` : '';
	throw apiError(context, undefined, `Task ${task.id} ended "${status}": ${reason}${said}`, withoutEchoes(task.raw));
}

/** One item per image, paired with the input item, with the file attached when downloads are on. */
export async function resultItems(
	context: IExecuteSingleFunctions,
	task: TaskState,
	settings: RunSettings,
	limits: { deadline: number; signal?: AbortSignal },
): Promise<INodeExecutionData[]> {
	const pairedItem = { item: context.getItemIndex() };
	const count = task.imageUrls.length;
	// Links must be saved now whatever the remaining timeout: give downloads their own minute.
	const downloadLimits = { ...limits, deadline: Math.max(limits.deadline, Date.now() + 60_000) };
	return await Promise.all(
		task.imageUrls.map(async (imageUrl, imageIndex) => {
			const json: IDataObject = {
				taskId: task.id,
				status: task.status,
				imageUrl,
				imageIndex,
				imageCount: count,
				prompt: task.prompt ?? null,
				seed: task.seed ?? null,
				// As the API stated them, never computed here.
				cost: task.cost?.cost ?? null,
				inputMegapixels: task.cost?.inputMegapixels ?? null,
				outputMegapixels: task.cost?.outputMegapixels ?? null,
				response: withoutEchoes(task.raw),
			};
			if (!settings.downloadImages) return { json, pairedItem };
			const stem = count > 1 ? `${task.id}-${imageIndex + 1}` : task.id;
			const binary: IBinaryData = await downloadImage(context, imageUrl, { taskId: task.id, stem, maxBytes: settings.maxImageBytes }, downloadLimits);
			return { json, binary: { [settings.binaryPropertyName]: binary }, pairedItem };
		}),
	);
}
