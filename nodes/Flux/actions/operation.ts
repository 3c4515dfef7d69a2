import type { DeclarativeRestApiSettings, IExecuteSingleFunctions } from 'n8n-workflow';

import type { ApiFormatName } from '../catalogue';
import type { Submission } from '../api/cometApi';

/** What differs between the operations once n8n's routing has built the request. */
export interface FluxOperation {
	format(context: IExecuteSingleFunctions): ApiFormatName;
	/** Checks the request routing built and returns it ready to send; absent for Get Result. */
	prepare?(context: IExecuteSingleFunctions, request: DeclarativeRestApiSettings.HttpRequestOptions): Promise<Submission>;
	/** The task ID to collect, for operations that do not submit. */
	taskId?(context: IExecuteSingleFunctions): string;
}
