import { forgetReusableTasks } from '../nodes/Flux/task/reusePool';

// Each test runs as a fresh n8n process would: no task an earlier test paid for is handed over.
afterEach(() => {
	forgetReusableTasks();
});
