// The first thing a new user does, in the real editor: a new, empty workflow; "Add first step" >
// Manual Trigger; "+" > search "Flux" in the node panel; the node is listed under its own name
// and adding it gives the latest node version; then the credential, a model "From list", a prompt,
// "Execute step", and the image under the output's Binary. Also: the node panel finds the node
// for the other words a user may type, and an AI Agent's Tool "+" still offers it.

import type { Page } from 'playwright-core';

import { signedInRest } from '../n8n/server.ts';

export type Check = (name: string, ok: boolean, detail?: unknown) => void;

const FLUX_NODE = 'CometAPI Flux';
/** What the node panel may be searched with, as a user would type it. */
export const SEARCH_WORDS = ['Flux', 'CometAPI', 'Black Forest Labs', 'image'];

const creatorItems = (page: Page) => page.locator('[data-test-id=node-creator] [data-test-id=item-iterator-item]:visible');

/** Types into the open node panel's search and returns the names it lists. */
async function searchNodePanel(page: Page, words: string): Promise<string[]> {
	const search = page.locator('[data-test-id=node-creator-search-bar] input, input[data-test-id=node-creator-search-bar]').first();
	await search.waitFor();
	await search.fill(words);
	await page.waitForTimeout(600); // the search is debounced
	await creatorItems(page).first().waitFor({ timeout: 5000 }).catch(() => {});
	return (await creatorItems(page).locator('[data-test-id=node-creator-item-name]').allTextContents()).map((t) => t.trim());
}

async function closeNodePanel(page: Page): Promise<void> {
	await page.keyboard.press('Escape');
	await page.locator('[data-test-id=node-creator]').waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
}

export interface Login {
	url: string;
	email: string;
	password: string;
}

/** The workflow's nodes as n8n stored them. */
async function storedNodes(login: Login, workflowId: string): Promise<Array<{ name: string; type: string; typeVersion: number }>> {
	const rest = await signedInRest(login.url, login.email, login.password);
	return (await rest.get<{ nodes: Array<{ name: string; type: string; typeVersion: number }> }>(`/rest/workflows/${workflowId}`)).nodes;
}

export async function addNodeToNewWorkflow(page: Page, login: Login, latestVersion: number, check: Check, shoot: (name: string) => Promise<void>): Promise<void> {
	await page.goto(`${login.url}/workflow/new`);
	await page.locator('[data-test-id=canvas-add-button]').click();
	const trigger = await searchNodePanel(page, 'Manual');
	await creatorItems(page).filter({ hasText: 'Manual Trigger' }).first().click();
	await page.locator('[data-test-id=canvas-node]').first().waitFor();
	check('new workflow: "Add first step" adds a Manual Trigger', trigger.includes('Manual Trigger'), trigger);

	await page.locator('[data-test-id=canvas-node-output-handle] [data-test-id=canvas-handle-plus]').first().click();
	const found = await searchNodePanel(page, 'Flux');
	check(`new workflow: searching "Flux" in the node panel lists ${FLUX_NODE}`, found.includes(FLUX_NODE), found);
	await shoot('5-node-panel-search.png');
	await creatorItems(page).filter({ hasText: FLUX_NODE }).first().click();
	// A node with operations opens its actions; "Generate an image" is the first.
	const actions = creatorItems(page).filter({ hasText: 'Generate an image' });
	await actions.first().waitFor();
	const actionNames = (await actions.allTextContents()).map((t) => t.trim());
	await actions.first().click();
	await page.locator('[data-test-id=ndv]').waitFor();

	const credential = await page.locator('[data-test-id=node-credentials-select] input').first().inputValue().catch(() => '');
	check('new workflow: the node comes with the one CometAPI credential selected', credential === 'CometAPI (demo)', { credential, actionNames });

	const model = page.locator('[data-test-id=resource-locator-model]');
	await model.locator('[data-test-id=rlc-input]').click();
	await page.locator('[data-test-id=rlc-item]:visible', { hasText: 'FLUX.1 [dev]' }).first().click();
	await page.locator('[data-test-id=parameter-input-prompt] textarea').fill('A red kite over a green hill, paper cut-out style');
	await page.locator('[data-test-id=node-execute-button]').first().click();
	const binary = page.locator('[data-test-id=output-panel] [data-test-id=ndv-binary-data_0]');
	await binary.waitFor({ timeout: 60_000 });
	const binaryText = (await binary.textContent()) ?? '';
	await shoot('6-new-workflow-executed.png');
	await page.keyboard.press('Escape');

	// n8n saves a new workflow on the first change; its URL then carries the ID.
	await page.waitForURL((u) => /\/workflow\/[^/]+$/.test(u.pathname) && !u.pathname.endsWith('/new'), { timeout: 15_000 });
	const workflowId = new URL(page.url()).pathname.split('/').pop() ?? '';
	await page.keyboard.press('Control+s');
	await page.waitForTimeout(1000);
	const added = (await storedNodes(login, workflowId)).filter((n) => n.type === 'n8n-nodes-cometapi.flux');
	check(
		`editor: new workflow: searching "Flux" in the node panel adds ${FLUX_NODE} (version ${latestVersion}) and runs it: the image is under Binary`,
		found.includes(FLUX_NODE) && added.length === 1 && added[0].typeVersion === latestVersion && binaryText.includes('image/'),
		{ added, binaryText, workflowId },
	);

	for (const words of SEARCH_WORDS.filter((w) => w !== 'Flux')) {
		await page.locator('[data-test-id=node-creator-plus-button]').click();
		const listed = await searchNodePanel(page, words);
		check(`new workflow: searching "${words}" in the node panel lists ${FLUX_NODE}`, listed.includes(FLUX_NODE), listed);
		await closeNodePanel(page);
	}
}

/** Demo 6's AI Agent: its Tool "+" offers the node as a tool. */
export async function offeredAsAgentTool(page: Page, workflowUrl: string, check: Check): Promise<void> {
	await page.goto(workflowUrl);
	const agent = page.locator('[data-test-id=canvas-node][data-node-name="AI Agent"]');
	await agent.waitFor();
	const editHere = page.getByRole('button', { name: 'Edit here' });
	await editHere.waitFor({ timeout: 2500 }).then(
		() => editHere.click(),
		() => {},
	);
	await agent.locator('[data-test-id=canvas-node-input-handle][data-connection-type=ai_tool] [data-test-id=canvas-handle-plus]').click();
	const listed = await searchNodePanel(page, 'Flux');
	check(`demo 6: the AI Agent's Tool "+" offers ${FLUX_NODE}`, listed.some((name) => name.startsWith(FLUX_NODE)), listed);
	await closeNodePanel(page);
}
