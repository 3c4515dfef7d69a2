// Screenshots of the node in the real n8n editor, with checks of what the editor shows:
//   npm run screenshots            (starts its own n8n + simulator; writes test/e2e/screenshots/*.png)
//   N8N_URL=http://127.0.0.1:5678 npm run screenshots   (uses a running `npm start` instead)
// Needs Debian's chromium (`apt-get install -y chromium`), driven by playwright-core.
// The E2E run (test/e2e/run.ts) calls takeScreenshots() too, into .cache/e2e/screenshots.
//
// In the browser, as a user: open demo 1's link signed out and sign in on the way. Then a user's
// first step (./newWorkflow.ts): a new workflow, Manual Trigger, the node found by searching the
// node panel, added at its latest version, run, the image under Binary; the other search words;
// demo 6's Tool "+". Then demo 1: "Execute workflow", the node's panel (Model "FLUX.1 [dev]" from
// the list, the Prompt, the image in the output pane), "Add Field" of Additional Fields offers
// flux-dev's fields (Steps, Guidance; not Aspect Ratio), and after picking FLUX 1.1 [pro] Ultra
// from the list the offer changes (Aspect Ratio; not Steps). Then, on a copy of demo 5 (FLUX.2
// [pro]): the Model list's "From list" (catalogue plus the simulator's /v1/models), its search
// ("fill" leaves FLUX.1 Fill [pro] and its fine-tuned variant), Input Image up to 8 for FLUX.2 [pro], and Image and Mask
// offered once FLUX.1 Fill [pro] is picked from the list.

import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import type { Page } from 'playwright-core';

import { demoLink } from '../n8n/demo.ts';
import { repoRoot } from '../n8n/install.ts';
import { addNodeToNewWorkflow, offeredAsAgentTool } from './newWorkflow.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-quic',
	'--no-first-run',
	'--disable-sync',
];

export interface ScreenshotOptions {
	url: string;
	email: string;
	password: string;
	/** Demo workflow 1 (Generate an image and save it). */
	workflowId: string;
	/**
	 * A workflow like demo 5 (Edit an image from disk: a version 2 Flux node on FLUX.2 [pro]) for the
	 * Model list checks, which change its model (n8n saves as you edit): best a copy. Absent: skipped.
	 */
	modelListWorkflowId?: string;
	/** Demo 6 (an AI Agent with the node as a tool), for the check that its Tool "+" offers the node. Absent: skipped. */
	agentWorkflowId?: string;
	outDir: string;
	log?: (line: string) => void;
}

export interface UiCheck {
	name: string;
	ok: boolean;
	detail?: unknown;
}

export interface ScreenshotResult {
	files: Array<{ path: string; bytes: number }>;
	checks: UiCheck[];
}

/** The node's latest version, as the package n8n runs has it (the build the demo packed). */
function latestBuiltVersion(): number {
	const { Flux } = createRequire(join(repoRoot(), 'package.json'))('./dist/nodes/Flux/Flux.node.js');
	return Math.max(...[new Flux().description.version].flat());
}

export function chromiumInstalled(): boolean {
	return existsSync(CHROMIUM);
}

const FLUX_NODE = 'CometAPI Flux';

async function addFieldChoices(page: Page): Promise<string[]> {
	const add = page.locator('[data-test-id=collection-parameter-add]:has(input[placeholder="Add Field"])');
	await add.click();
	const options = page.locator('[data-test-id=collection-parameter-option]:visible');
	await options.first().waitFor({ timeout: 10_000 });
	await page.waitForTimeout(600); // the dropdown fades in
	return (await options.allTextContents()).map((t) => t.trim());
}

/** Closes n8n's "Workflow executed successfully" toasts, so they don't cover the picture. */
async function closeToasts(page: Page): Promise<void> {
	await page.locator('.el-notification').first().waitFor({ timeout: 5000 }).catch(() => {});
	for (const close of await page.locator('.el-notification .el-notification__closeBtn').all()) {
		await close.click().catch(() => {});
	}
	await page.locator('.el-notification').first().waitFor({ state: 'detached', timeout: 5000 }).catch(() => {});
}

/** Opens a workflow in the editor, taking over its edit lock from an earlier tab if needed. */
async function openWorkflow(page: Page, url: string): Promise<ReturnType<Page['locator']>> {
	await page.goto(url);
	const fluxOnCanvas = page.locator(`[data-test-id=canvas-node][data-node-name="${FLUX_NODE}"]`);
	await fluxOnCanvas.waitFor();
	// n8n 2.x locks a workflow to one editing tab; an earlier run's tab may still hold it.
	const editHere = page.getByRole('button', { name: 'Edit here' });
	await editHere.waitFor({ timeout: 2500 }).then(
		() => editHere.click(),
		() => {},
	);
	return fluxOnCanvas;
}

/** The entries of the open Model list ("From List"), waiting for the search to settle. */
async function listedModels(page: Page): Promise<string[]> {
	const items = page.locator('[data-test-id=rlc-item]:visible');
	await items.first().waitFor({ timeout: 10_000 });
	await page.waitForTimeout(800); // the search is debounced
	return (await items.allTextContents()).map((t) => t.trim());
}

/**
 * Version 2's Model: a resource locator whose "From List" is the catalogue plus what the
 * credential's GET /v1/models lists, with a search. Picks FLUX.1 Fill [pro] by searching and checks
 * its Image and Mask fields; FLUX.2 [pro] (the workflow's model) offers up to 8 reference images.
 */
async function checkModelList(page: Page, workflowUrl: string, check: (name: string, ok: boolean, detail?: unknown) => void, shoot: () => Promise<void>): Promise<void> {
	const fluxOnCanvas = await openWorkflow(page, workflowUrl);
	await fluxOnCanvas.dblclick();
	await page.locator('[data-test-id=ndv]').waitFor();
	const locator = page.locator('[data-test-id=resource-locator-model]');
	const mode = await locator.locator('[data-test-id=rlc-mode-selector] input').inputValue();
	const value = locator.locator('[data-test-id=rlc-input]');
	check('Model list: version 2\'s Model is a resource locator showing "From list" FLUX.2 [pro]', mode === 'From list' && (await value.inputValue()) === 'FLUX.2 [pro]', { mode, value: await value.inputValue() });

	// FLUX.2 [pro]: the reference images, from binaries (set in the demo) or URLs (added here), up to 8.
	const flux2Choices = await addFieldChoices(page);
	check('FLUX.2 [pro]: Add Field offers Input Image (URLs), not Image or Mask', flux2Choices.includes('Input Image (URLs)') && !flux2Choices.some((c) => /^(Image|Mask) /.test(c)), flux2Choices);
	await page.locator('[data-test-id=collection-parameter-option]:visible', { hasText: 'Input Image (URLs)' }).first().click();
	const refs = await fieldDescription(page, 'Input Image (URLs)');
	check('FLUX.2 [pro]: Input Image (URLs) says it takes up to 8 reference images', /up to 8 images/.test(refs), refs);
	const binaries = await fieldDescription(page, 'Input Image (Binary Properties)');
	check('FLUX.2 [pro]: Input Image (Binary Properties) takes a list of binary properties or *', /data, data_1/.test(binaries) && binaries.includes('*'), binaries);

	await value.click();
	const all = await listedModels(page);
	check(
		'Model list: the catalogue by name, plus flux-2-klein that the simulator\'s /v1/models lists, marked not yet described',
		['FLUX.1 [dev]', 'FLUX.1 Fill [pro] (inpaint with a mask)', 'FLUX.1 Kontext [max] (edit with an input image)', 'FLUX.2 [flex]', 'flux-2-klein (not yet described)'].every((name) => all.includes(name)) &&
			!all.some((name) => /gpt|black-forest-labs\//.test(name)),
		all,
	);
	await page.getByPlaceholder('Search...').fill('fill');
	const found = await listedModels(page);
	// n8n keeps the current value at the top of the list whatever the search.
	const matches = found.filter((name) => name !== 'FLUX.2 [pro]');
	check(
		'Model list: searching "fill" leaves FLUX.1 Fill [pro] and its fine-tuned variant',
		JSON.stringify(matches) === JSON.stringify(['FLUX.1 Fill [pro] (inpaint with a mask)', 'FLUX.1 Fill [pro] Finetuned (your finetune)']),
		found,
	);
	await shoot();
	await page.locator('[data-test-id=rlc-item]:visible', { hasText: 'FLUX.1 Fill [pro]' }).first().click();
	for (let i = 0; i < 50 && !(await value.inputValue()).startsWith('FLUX.1 Fill'); i++) await page.waitForTimeout(100);
	check('Model list: FLUX.1 Fill [pro] is chosen', (await value.inputValue()) === 'FLUX.1 Fill [pro] (inpaint with a mask)', await value.inputValue());
	const fillChoices = await addFieldChoices(page);
	check(
		'FLUX.1 Fill [pro]: Add Field offers Image and Mask, each by URL or binary property, and no Input Image',
		['Image (URL)', 'Image (Binary Property)', 'Mask (URL)', 'Mask (Binary Property)'].every((c) => fillChoices.includes(c)) && !fillChoices.some((c) => c.startsWith('Input Image')),
		fillChoices,
	);
	await page.keyboard.press('Escape');
}

/** The description n8n shows for a parameter: the tooltip of the help icon by its label. */
async function fieldDescription(page: Page, label: string): Promise<string> {
	const field = page.locator('[data-test-id=node-parameters] [data-test-id=input-label]').filter({ hasText: label }).first();
	await field.waitFor({ timeout: 10_000 });
	await field.hover();
	await field.locator('[data-icon=circle-help]').first().hover();
	const tooltip = page.locator('[data-test-id=tooltip-content]:visible').last();
	await tooltip.waitFor({ timeout: 5000 }).catch(() => {});
	const text = ((await tooltip.textContent().catch(() => '')) ?? '').trim();
	await page.mouse.move(5, 400);
	return text;
}

export async function takeScreenshots(opts: ScreenshotOptions): Promise<ScreenshotResult> {
	const log = opts.log ?? ((line: string) => process.stderr.write(`[screenshots] ${line}\n`));
	const { chromium } = await import('playwright-core');
	mkdirSync(opts.outDir, { recursive: true });
	const checks: UiCheck[] = [];
	const files: ScreenshotResult['files'] = [];
	const check = (name: string, ok: boolean, detail?: unknown): void => {
		checks.push({ name, ok, detail });
	};
	const shoot = async (page: Page, name: string): Promise<void> => {
		const path = join(opts.outDir, name);
		await page.screenshot({ path });
		const bytes = statSync(path).size;
		files.push({ path, bytes });
		log(`${path} (${(bytes / 1024).toFixed(0)} KB)`);
	};

	const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
	try {
		const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
		page.setDefaultTimeout(30_000);

		// The way `npm start` sends a user in: demo 1's link, signed out, leads through sign-in to the demo.
		await page.goto(demoLink(opts.url, opts.workflowId));
		await page.waitForURL((u) => u.pathname.startsWith('/signin'));
		await page.fill('input[name=emailOrLdapLoginId]', opts.email);
		await page.fill('input[name=password]', opts.password);
		await page.click('[data-test-id=form-submit-button]');
		await page.waitForURL((u) => !u.pathname.startsWith('/signin'));
		check('signed in as the owner', true);
		await page.locator('[data-test-id=canvas-node]').first().waitFor();
		check("npm start's demo link, signed out, opens demo 1 after sign-in", new URL(page.url()).pathname === `/workflow/${opts.workflowId}`, page.url());

		// A user's first step: a new workflow, the node found in the node panel.
		const latest = latestBuiltVersion();
		await addNodeToNewWorkflow(page, opts, latest, check, (name) => shoot(page, name));
		if (opts.agentWorkflowId) await offeredAsAgentTool(page, `${opts.url}/workflow/${opts.agentWorkflowId}`, check);

		const fluxOnCanvas = await openWorkflow(page, `${opts.url}/workflow/${opts.workflowId}`);
		check('demo workflow 1 shows the CometAPI Flux node', (await fluxOnCanvas.textContent())?.includes('Generate: flux-dev') ?? false, await fluxOnCanvas.textContent());

		// Run it from the editor, as a user would.
		await page.click('[data-test-id=execute-workflow-button]');
		const lastDone = page.locator('[data-test-id=canvas-node][data-node-name="Save to Disk"] [data-test-id=canvas-node-status-success]');
		await lastDone.waitFor({ timeout: 60_000 });
		check('"Execute workflow" runs demo 1 to the end (all nodes green)', (await page.locator('[data-test-id=canvas-node-status-success]').count()) === 3);
		await closeToasts(page);
		await page.mouse.move(5, 400); // no hover toolbar in the picture
		await page.waitForTimeout(800); // let the canvas settle (edge colours, button state)
		await shoot(page, '1-canvas.png');

		// The node's panel.
		await fluxOnCanvas.dblclick();
		const ndv = page.locator('[data-test-id=ndv]');
		await ndv.waitFor();
		const modelValue = page.locator('[data-test-id=resource-locator-model] [data-test-id=rlc-input]');
		const model = await modelValue.inputValue();
		check('node panel: Model shows FLUX.1 [dev] from the list (version 2)', model === 'FLUX.1 [dev]', model);
		const prompt = page.locator('[data-test-id=parameter-input-prompt] textarea');
		check('node panel: Prompt field with the demo prompt', (await prompt.count()) === 1 && (await prompt.inputValue()).startsWith('A lighthouse'), await prompt.count());
		// The Additional Fields' entries render a moment after the panel: wait for the last of them.
		const inputLabels = page.locator('[data-test-id=node-parameters] [data-test-id=input-label]');
		await inputLabels.filter({ hasText: 'Output Format' }).first().waitFor({ timeout: 10_000 }).catch(() => {});
		const labels = (await inputLabels.allTextContents()).map((t) => t.trim());
		const credential = await page.locator('[data-test-id=node-credentials-select] input').first().inputValue().catch(() => '');
		check('node panel: Credential shows "CometAPI (demo)"', credential === 'CometAPI (demo)', credential);
		for (const want of ['Operation', 'Model', 'Prompt', 'Width', 'Height', 'Output Format', 'Wait for Completion', 'Download Images']) {
			check(`node panel: shows "${want}"`, labels.some((l) => l.startsWith(want)), labels);
		}
		// The catalogue's range for the model, under the field, before anything runs.
		const parametersText = await page.locator('[data-test-id=node-parameters]').innerText();
		const widthHint = parametersText.split('\n').filter((line) => line.startsWith('Allowed:'));
		check('node panel: Width and Height show flux-dev\'s range under the field ("Allowed: 256-1440, a multiple of 32")', widthHint.filter((h) => h.includes('256-1440') && h.includes('multiple of 32')).length === 2, widthHint);
		const binary = page.locator('[data-test-id=output-panel] [data-test-id=ndv-binary-data_0]');
		check('node panel: output pane holds the image as binary data (image/png)', (await binary.count()) === 1 && ((await binary.textContent()) ?? '').includes('image/png'), await binary.textContent().catch(() => null));
		await closeToasts(page);
		await shoot(page, '2-node-panel.png');

		// Additional Fields offered for flux-dev.
		const devChoices = await addFieldChoices(page);
		check('Additional Fields (flux-dev): offers Steps and Guidance', devChoices.includes('Steps') && devChoices.includes('Guidance'), devChoices);
		check('Additional Fields (flux-dev): no Aspect Ratio (flux-dev takes width/height)', !devChoices.includes('Aspect Ratio'), devChoices);
		check('Additional Fields (flux-dev): fields already set are not offered again', !devChoices.includes('Width'), devChoices);
		await shoot(page, '3-additional-fields.png');
		await page.keyboard.press('Escape');

		// Another model, other fields (not saved).
		await modelValue.click();
		await page.getByPlaceholder('Search...').fill('ultra');
		await page.locator('[data-test-id=rlc-item]:visible', { hasText: 'FLUX 1.1 [pro] Ultra' }).first().click();
		for (let i = 0; i < 50 && (await modelValue.inputValue()) !== 'FLUX 1.1 [pro] Ultra'; i++) await page.waitForTimeout(100);
		const ultraChoices = await addFieldChoices(page);
		check('Additional Fields (flux-pro-1.1-ultra): offers Aspect Ratio and Raw, not Steps', ultraChoices.includes('Aspect Ratio') && ultraChoices.includes('Raw') && !ultraChoices.includes('Steps'), ultraChoices);
		await page.keyboard.press('Escape');

		if (opts.modelListWorkflowId) await checkModelList(page, `${opts.url}/workflow/${opts.modelListWorkflowId}`, check, () => shoot(page, '4-model-list.png'));
	} catch (e) {
		check('editor walk-through finished', false, e instanceof Error ? e.message.split('\n')[0] : String(e));
	} finally {
		await browser.close();
	}
	for (const f of files) check(`screenshot ${f.path.split('/').pop()} < 300 KB`, f.bytes < 300 * 1024, f.bytes);
	return { files, checks };
}

// `npm run screenshots`
if (process.argv[1] && /[\\/]screenshots\.ts$/.test(process.argv[1])) {
	const main = async (): Promise<number> => {
		if (!chromiumInstalled()) {
			console.error(`chromium not found at ${CHROMIUM}: apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH)`);
			return 2;
		}
		const { copyWorkflow, DEMO_FILES, loadWorkflow, startDemo } = await import('../n8n/demo.ts');
		const { OWNER_EMAIL, OWNER_PASSWORD } = await import('../n8n/server.ts');
		const { repoRoot } = await import('../n8n/install.ts');
		const workflowId = String(loadWorkflow(DEMO_FILES.generate, '/').id);
		// A running `npm start`: its demo 5 itself (the next start imports it afresh).
		let modelListWorkflowId = String(loadWorkflow(DEMO_FILES.editFromDisk, '/').id);
		let stop = async (): Promise<void> => {};
		let url = process.env.N8N_URL;
		if (!url) {
			const root = join(repoRoot(), '.cache', 'screenshots');
			const demo = await startDemo({ userFolder: join(root, 'user'), outputDir: join(root, 'output'), generationMs: 1500 });
			url = demo.n8n.url;
			stop = demo.stop;
			modelListWorkflowId = await copyWorkflow(demo.n8n, modelListWorkflowId);
		}
		try {
			const agentWorkflowId = String(loadWorkflow(DEMO_FILES.agent, '/').id);
			const result = await takeScreenshots({ url, email: OWNER_EMAIL, password: OWNER_PASSWORD, workflowId, modelListWorkflowId, agentWorkflowId, outDir: join(repoRoot(), 'test', 'e2e', 'screenshots') });
			let failed = 0;
			for (const c of result.checks) {
				if (!c.ok) failed++;
				console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}${c.ok ? '' : `: ${JSON.stringify(c.detail)}`}`);
			}
			console.log(`${result.checks.length - failed} passed, ${failed} failed`);
			return failed ? 1 : 0;
		} finally {
			await stop();
		}
	};
	main().then(
		(code) => process.exit(code),
		(e) => {
			console.error(e);
			process.exit(1);
		},
	);
}
