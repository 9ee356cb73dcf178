// page-check: open HTML pages in headless Chromium and report whatever
// ran or went wrong in them, through the DevTools protocol. The protocol
// runs over a pair of pipes (--remote-debugging-pipe), so no port is
// opened and no npm package is needed. The script uses no API newer than
// Node.js 18, the version in Debian 12.
// NOTE: checked against the Node.js 18 documentation, but run only on
// Node.js 20 so far.
//
//   node tests/browser/page-check.js CHROMIUM FILE...
//   node tests/browser/page-check.js CHROMIUM --layout WIDTH[,WIDTH...] [--screenshots DIR] FILE...
//
// For each FILE it prints one line per event and then a closing line:
//   script FILE URL          a script was compiled in the page (an inline
//                            script, an event handler that fired, a
//                            javascript: URL)
//   dialog FILE TYPE         alert(), confirm() or prompt() was called
//   console FILE TEXT        the page wrote to the console
//   exception FILE TEXT      an uncaught exception
//   log FILE LEVEL TEXT      a browser message such as a Content Security
//                            Policy violation or a failed load
//   request FILE URL         a request for anything but the page itself
//   page FILE N              N events in all for the page
//
// With --layout, it opens each FILE in a window of each WIDTH in CSS
// pixels and LAYOUT_HEIGHT high, opens every <details>, and checks each
// cell (<td>): the cell must lie within the width of the page, and its
// label must show. In a table laid out as a table, the label is the
// cell's column header, which must lie within that width too. In a table
// laid out as cards (any other display of <td>), the label is the cell's
// ::before box: its content must be the text of the column header, and
// the box must show inside the cell. A cell that spans columns has the
// first header of its span. When the page is wider than the window, the
// text that sticks out is named too. For each FILE and WIDTH it prints:
//   problem FILE WIDTH TEXT  a cell, label or text that fails a check; at
//                            most PROBLEMS_MAX per page and width
//   layout FILE WIDTH SCROLL CLIENT TABLE CARD PROBLEMS
//                            the page's scrollWidth and clientWidth, the
//                            cells laid out as a table and as cards, and
//                            the number of problems
// With --screenshots DIR, it also writes the page from its top, one
// window's height at a time and at most SCREENSHOTS_MAX times, to
// DIR/N-NAME-WIDTH-I.png for a look by eye: N is the FILE's position on
// the command line, NAME its name without .html and I counts from 1.
// Exit status: 0 when every page was checked (events or not), 1 when
// Chromium could not be started, a page did not load or Chromium did not
// reply, 2 usage error.
//
// Chromium gets a new temporary folder under $TMPDIR (or /tmp) for its
// profile and its own temporary files. On every exit, including SIGINT,
// SIGTERM and SIGHUP, page-check ends all of Chromium's processes and
// removes the folder. If
// this process is killed with SIGKILL instead, Chromium (156 on Debian 12)
// reads end of file on its pipe and exits, but the folder stays.
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

// Milliseconds to wait for the browser's first reply, for a page's load
// event, for the reply to any other command, and after the load event for
// late events such as a failed image whose error handler runs a script.
const START_TIMEOUT = 30000;
const LOAD_TIMEOUT = 30000;
const COMMAND_TIMEOUT = 30000;
const SETTLE_TIME = 1000;
// Milliseconds that Chromium gets to exit after Browser.close before it
// is killed.
const CLOSE_TIMEOUT = 5000;
// Characters of Chromium's standard error kept for error messages.
const STDERR_TAIL = 2000;
// The height in CSS pixels of the window in --layout mode.
const LAYOUT_HEIGHT = 800;
// Problem lines printed per page and width.
const PROBLEMS_MAX = 20;
// Text nodes named when a page is wider than its window.
const OVERFLOW_MAX = 5;
// Screenshots of one page at one width, each LAYOUT_HEIGHT high.
const SCREENSHOTS_MAX = 10;
// CSS pixels by which a box may pass a bound, because layout rounds to
// fractions of a pixel.
const LAYOUT_TOLERANCE = 0.5;

// Chromium started with the DevTools protocol on file descriptors 3 (the
// browser reads commands) and 4 (the browser writes replies and events).
class Browser {
	constructor(chromium) {
		this.folder = fs.mkdtempSync(path.join(os.tmpdir(), 'page-check-'));
		const profile = path.join(this.folder, 'profile');
		const tmp = path.join(this.folder, 'tmp');
		fs.mkdirSync(profile);
		fs.mkdirSync(tmp);

		const args = [
			'--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
			'--no-first-run', '--disable-background-networking',
			'--disable-component-update', '--disable-sync',
			'--disable-default-apps', '--mute-audio',
			`--user-data-dir=${profile}`, '--remote-debugging-pipe', 'about:blank',
		];
		// detached: Chromium leads a process group of its own, so that
		// killNow() also reaches its renderer and utility processes.
		this.child = spawn(chromium, args, {
			stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
			detached: true,
			env: { ...process.env, TMPDIR: tmp },
		});
		this.running = true;
		this.stopped = false;
		this.stderr = '';
		this.exited = new Promise((resolve) => {
			this.child.once('exit', resolve);
			// A failed spawn emits 'error' and may never emit 'exit'.
			this.child.once('error', (err) => {
				this.spawnError = err;
				resolve();
			});
		});
		this.exited.then(() => { this.running = false; });
		// Chromium blocks on a full pipe, so its standard error is always read.
		this.child.stderr.setEncoding('utf8');
		this.child.stderr.on('data', (chunk) => {
			this.stderr = (this.stderr + chunk).slice(-STDERR_TAIL);
		});
		this.connection = new Connection(this.child.stdio[3], this.child.stdio[4],
			() => this.describe());
	}

	// Describe the state of Chromium and the end of its standard error,
	// for error messages.
	describe() {
		if (this.spawnError)
			return `failed to start Chromium: ${this.spawnError.message}`;
		const { exitCode, signalCode } = this.child;
		const state = exitCode !== null ? `Chromium exited with status ${exitCode}`
			: signalCode !== null ? `Chromium was killed by ${signalCode}`
			: 'Chromium is still running';
		const stderr = this.stderr.trim();
		return stderr ? `${state}, standard error: ${stderr}` : state;
	}

	// Send SIGKILL to Chromium's process group at once. This is safe to
	// call from an 'exit' handler, which cannot wait.
	killNow() {
		if (this.child.pid === undefined)
			return;
		try {
			process.kill(-this.child.pid, 'SIGKILL');
		} catch (err) {
			// ESRCH: the whole group has exited already.
			if (err.code !== 'ESRCH')
				throw err;
		}
	}

	removeFolder() {
		// Retries cover a process of the group that still writes to the
		// folder for a moment after SIGKILL.
		fs.rmSync(this.folder, { recursive: true, force: true, maxRetries: 5 });
	}

	// Close the browser, kill what is left of its process group and remove
	// the temporary folder. Ask Browser.close only after a clean run,
	// because a browser that failed may not reply.
	async stop(graceful) {
		if (graceful && this.running) {
			// Chromium may close the pipe before it replies.
			this.connection.send('Browser.close').catch(() => {});
			await Promise.race([this.exited, sleep(CLOSE_TIMEOUT)]);
		}
		this.killNow();
		await this.exited;
		this.removeFolder();
		this.stopped = true;
	}
}

// A DevTools protocol connection with flat sessions. Each message is one
// JSON text followed by a NUL byte, in both directions.
class Connection {
	constructor(toBrowser, fromBrowser, describeBrowser) {
		this.toBrowser = toBrowser;
		this.describeBrowser = describeBrowser;
		this.closed = false;
		this.nextId = 1;
		this.pending = new Map();
		this.listeners = new Set();
		this.buffered = [];

		// EPIPE when Chromium has exited: the 'close' of fromBrowser reports it.
		toBrowser.on('error', () => {});
		fromBrowser.on('data', (chunk) => this.receive(chunk));
		fromBrowser.on('close', () => this.close());
	}

	// Split the bytes read so far at NUL bytes. A message may arrive in
	// several chunks, and a multibyte UTF-8 character may straddle two, so
	// the bytes are decoded only once the whole message is in.
	receive(chunk) {
		let end = chunk.indexOf(0);
		while (end !== -1) {
			this.buffered.push(chunk.subarray(0, end));
			const text = Buffer.concat(this.buffered).toString('utf8');
			this.buffered = [];
			this.dispatch(JSON.parse(text));
			chunk = chunk.subarray(end + 1);
			end = chunk.indexOf(0);
		}
		if (chunk.length > 0)
			this.buffered.push(chunk);
	}

	dispatch(message) {
		if (message.id !== undefined && this.pending.has(message.id)) {
			const { resolve, reject, timer } = this.pending.get(message.id);
			this.pending.delete(message.id);
			clearTimeout(timer);
			if (message.error)
				reject(new Error(`${message.error.message} (${message.error.code})`));
			else
				resolve(message.result);
			return;
		}
		for (const listener of this.listeners)
			listener(message);
	}

	// Reject every command still waiting for a reply, because none will come.
	close() {
		this.closed = true;
		for (const [id, { reject, timer, method }] of this.pending) {
			clearTimeout(timer);
			reject(this.closedError(method));
			this.pending.delete(id);
		}
	}

	closedError(method) {
		return new Error(`${method} failed: Chromium closed the DevTools pipe (${this.describeBrowser()})`);
	}

	send(method, params = {}, sessionId = undefined, timeout = COMMAND_TIMEOUT) {
		if (this.closed)
			return Promise.reject(this.closedError(method));
		const id = this.nextId++;
		const message = { id, method, params };
		if (sessionId)
			message.sessionId = sessionId;
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				this.pending.delete(id);
				reject(new Error(`${method} timed out after ${timeout} ms (${this.describeBrowser()})`));
			}, timeout);
			this.pending.set(id, { resolve, reject, timer, method });
			this.toBrowser.write(`${JSON.stringify(message)}\0`);
		});
	}

	// Add a listener for events, and return a function that removes it.
	on(listener) {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}
}

function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

function oneLine(text) {
	return String(text).replace(/\s+/g, ' ').slice(0, 300);
}

async function checkPage(conn, file) {
	const pageUrl = pathToFileURL(path.resolve(file)).href;
	const { targetId } = await conn.send('Target.createTarget', { url: 'about:blank' });
	const { sessionId } = await conn.send('Target.attachToTarget', { targetId, flatten: true });
	const events = [];
	let loaded;
	const loadedPromise = new Promise((resolve) => { loaded = resolve; });

	const removeListener = conn.on((message) => {
		if (message.sessionId !== sessionId)
			return;
		const p = message.params || {};
		switch (message.method) {
		case 'Debugger.scriptParsed':
			events.push(`script\t${file}\t${p.url || '(inline)'}`);
			break;
		case 'Page.javascriptDialogOpening':
			events.push(`dialog\t${file}\t${p.type}`);
			conn.send('Page.handleJavaScriptDialog', { accept: false }, sessionId).catch(() => {});
			break;
		case 'Runtime.consoleAPICalled':
			events.push(`console\t${file}\t${oneLine((p.args || []).map((a) => a.value ?? a.description).join(' '))}`);
			break;
		case 'Runtime.exceptionThrown':
			events.push(`exception\t${file}\t${oneLine(p.exceptionDetails.exception?.description || p.exceptionDetails.text)}`);
			break;
		case 'Log.entryAdded':
			events.push(`log\t${file}\t${p.entry.level}\t${oneLine(p.entry.text)}`);
			break;
		case 'Network.requestWillBeSent':
			if (p.request.url !== pageUrl)
				events.push(`request\t${file}\t${oneLine(p.request.url)}`);
			break;
		case 'Page.loadEventFired':
			loaded();
			break;
		}
	});

	for (const domain of ['Page', 'Runtime', 'Log', 'Network', 'Debugger'])
		await conn.send(`${domain}.enable`, {}, sessionId);
	await conn.send('Page.navigate', { url: pageUrl }, sessionId);
	const timedOut = await Promise.race([
		loadedPromise.then(() => false),
		sleep(LOAD_TIMEOUT).then(() => true),
	]);
	if (timedOut)
		throw new Error(`${file} did not load within ${LOAD_TIMEOUT} ms`);
	await sleep(SETTLE_TIME);
	await conn.send('Target.closeTarget', { targetId });
	removeListener();

	for (const event of events)
		console.log(event);
	console.log(`page\t${file}\t${events.length}`);
}

// Open every <details> of the page, then measure each <td> in document
// order, which is the order of DOM.getDocument. This function runs in the
// page through Runtime.evaluate, so it can use nothing else from this
// file. Returns the page's widths, the problems found by style and
// position, and the cells laid out as cards with their borders, for
// checkLabelBoxes().
function measureCells(tolerance, overflowMax) {
	for (const details of document.querySelectorAll('details'))
		details.open = true;
	const root = document.documentElement;
	const width = root.clientWidth;
	const result = {
		scrollWidth: root.scrollWidth, clientWidth: width,
		tableCells: 0, cards: [], problems: [],
	};
	const outside = (rect) => rect.left < -tolerance || rect.right > width + tolerance;
	const tables = [...document.querySelectorAll('table')];
	// `label` is null where the column header does not matter.
	const describeCell = (cell, column, label) =>
		`table ${tables.indexOf(cell.closest('table')) + 1} (${cell.closest('table').className || 'no class'}) ` +
		`row ${cell.parentElement.sectionRowIndex + 1} column ${column + 1}` +
		(label === null ? '' : ` (${label || 'no header'})`);

	const cells = document.querySelectorAll('td');
	for (let index = 0; index < cells.length; index++) {
		const cell = cells[index];
		const table = cell.closest('table');
		let column = 0;
		for (let sibling = cell.previousElementSibling; sibling; sibling = sibling.previousElementSibling)
			column += sibling.colSpan || 1;
		const headerRow = table.tHead ? table.tHead.rows[0] : null;
		let header = null;
		for (let i = 0, start = 0; headerRow && i < headerRow.cells.length; i++) {
			if (start === column)
				header = headerRow.cells[i];
			start += headerRow.cells[i].colSpan || 1;
		}
		const label = header ? header.textContent.trim() : '';
		const where = describeCell(cell, column, label);
		const style = getComputedStyle(cell);
		const rect = cell.getBoundingClientRect();

		if (style.display === 'none' || rect.width === 0 || rect.height === 0) {
			result.problems.push(`${where}: the cell is not shown`);
			continue;
		}
		if (outside(rect))
			result.problems.push(`${where}: the cell spans x ${rect.left.toFixed(1)} to ${rect.right.toFixed(1)}, outside 0 to ${width}`);
		if (!header) {
			result.problems.push(`${where}: the cell has no column header`);
			continue;
		}
		if (style.display === 'table-cell') {
			result.tableCells++;
			const headerRect = header.getBoundingClientRect();
			if (getComputedStyle(header).visibility !== 'visible' ||
			    headerRect.width === 0 || headerRect.height === 0)
				result.problems.push(`${where}: the column header is not shown`);
			else if (outside(headerRect))
				result.problems.push(`${where}: the column header spans x ${headerRect.left.toFixed(1)} to ${headerRect.right.toFixed(1)}, outside 0 to ${width}`);
			continue;
		}

		// A card: the label is the ::before content, a CSS string.
		const before = getComputedStyle(cell, '::before');
		const expected = `"${label}"`;
		if (before.content !== expected)
			result.problems.push(`${where}: the ::before content is ${before.content}, not ${expected}`);
		else if (before.display === 'none' || before.visibility !== 'visible' ||
			 before.opacity === '0' || parseFloat(before.fontSize) < 6 ||
			 /rgba\(.*, 0\)$/.test(before.color))
			result.problems.push(`${where}: the ::before label is hidden (display ${before.display}, visibility ${before.visibility}, opacity ${before.opacity}, font-size ${before.fontSize}, color ${before.color})`);
		else
			result.cards.push({
				index, where,
				left: rect.left, right: rect.right, top: rect.top, bottom: rect.bottom,
			});
	}

	// Name the text that sticks out, the usual cause of a page wider than
	// its window.
	if (result.scrollWidth <= width)
		return result;
	const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	const range = document.createRange();
	let named = 0;
	for (let node = walker.nextNode(); node && named < overflowMax; node = walker.nextNode()) {
		if (!node.data.trim())
			continue;
		range.selectNodeContents(node);
		const rect = range.getBoundingClientRect();
		if (rect.right <= width + tolerance)
			continue;
		const element = node.parentElement;
		const name = element.localName + (element.className ? `.${element.className.replace(/ /g, '.')}` : '');
		const cell = element.closest('td');
		const where = cell ? ` in ${describeCell(cell, cell.cellIndex, null)}` : '';
		result.problems.push(`the text "${node.data.slice(0, 40)}" of ${name}${where} ends at x ${rect.right.toFixed(1)}, beyond ${width}`);
		named++;
	}
	return result;
}

// The ::before pseudo-element node of every <td> in document order, or
// null for a cell without one.
function cellLabelNodes(node, out = []) {
	if (node.nodeName === 'TD') {
		const before = (node.pseudoElements || []).find((p) => p.pseudoType === 'before');
		out.push(before ? before.nodeId : null);
	}
	for (const child of node.children || [])
		cellLabelNodes(child, out);
	if (node.contentDocument)
		cellLabelNodes(node.contentDocument, out);
	return out;
}

// Check that the ::before box of each card cell has a size and lies within
// its cell, which measureCells() checked against the width of the page.
// Returns the problems.
async function checkLabelBoxes(conn, sessionId, measured) {
	const problems = [];
	if (measured.cards.length === 0)
		return problems;
	const { root } = await conn.send('DOM.getDocument', { depth: -1 }, sessionId);
	const labels = cellLabelNodes(root);
	const t = LAYOUT_TOLERANCE;
	await Promise.all(measured.cards.map(async (card) => {
		const nodeId = labels[card.index];
		if (!nodeId) {
			problems.push(`${card.where}: the cell has no ::before box`);
			return;
		}
		let model;
		try {
			({ model } = await conn.send('DOM.getBoxModel', { nodeId }, sessionId));
		} catch (err) {
			problems.push(`${card.where}: the ::before label has no box: ${err.message}`);
			return;
		}
		// A quad is four corners, x then y each, relative to the viewport
		// as getBoundingClientRect() measures, because the page is not
		// scrolled.
		const xs = model.border.filter((_, i) => i % 2 === 0);
		const ys = model.border.filter((_, i) => i % 2 === 1);
		const box = {
			left: Math.min(...xs), right: Math.max(...xs),
			top: Math.min(...ys), bottom: Math.max(...ys),
		};
		const span = `x ${box.left.toFixed(1)} to ${box.right.toFixed(1)}, y ${box.top.toFixed(1)} to ${box.bottom.toFixed(1)}`;
		if (box.right - box.left < 1 || box.bottom - box.top < 1)
			problems.push(`${card.where}: the ::before label has no size (${span})`);
		else if (box.left < card.left - t || box.right > card.right + t ||
			 box.top < card.top - t || box.bottom > card.bottom + t)
			problems.push(`${card.where}: the ::before label (${span}) is not inside its cell (x ${card.left.toFixed(1)} to ${card.right.toFixed(1)}, y ${card.top.toFixed(1)} to ${card.bottom.toFixed(1)})`);
	}));
	return problems;
}

// Open `file` in a window `width` CSS pixels wide, check its cells and
// labels (measureCells(), checkLabelBoxes()), print the problems and the
// closing layout line, and write a screenshot into `screenshotDir` unless
// it is null. `number` makes the screenshot's name unique in the run.
async function checkLayout(conn, file, width, screenshotDir, number) {
	const pageUrl = pathToFileURL(path.resolve(file)).href;
	const { targetId } = await conn.send('Target.createTarget', { url: 'about:blank' });
	const { sessionId } = await conn.send('Target.attachToTarget', { targetId, flatten: true });
	let loaded;
	const loadedPromise = new Promise((resolve) => { loaded = resolve; });
	const removeListener = conn.on((message) => {
		if (message.sessionId === sessionId && message.method === 'Page.loadEventFired')
			loaded();
	});

	await conn.send('Page.enable', {}, sessionId);
	await conn.send('DOM.enable', {}, sessionId);
	// A narrow desktop window rather than a phone: its scrollbar takes
	// width from the page, where a phone's overlay scrollbar takes none.
	await conn.send('Emulation.setDeviceMetricsOverride', {
		width, height: LAYOUT_HEIGHT, deviceScaleFactor: 1, mobile: false,
	}, sessionId);
	await conn.send('Page.navigate', { url: pageUrl }, sessionId);
	const timedOut = await Promise.race([
		loadedPromise.then(() => false),
		sleep(LOAD_TIMEOUT).then(() => true),
	]);
	removeListener();
	if (timedOut)
		throw new Error(`${file} did not load within ${LOAD_TIMEOUT} ms`);

	const evaluated = await conn.send('Runtime.evaluate', {
		expression: `(${measureCells})(${LAYOUT_TOLERANCE}, ${OVERFLOW_MAX})`,
		returnByValue: true,
	}, sessionId);
	if (evaluated.exceptionDetails)
		throw new Error(`measuring ${file} failed: ${evaluated.exceptionDetails.exception?.description || evaluated.exceptionDetails.text}`);
	const measured = evaluated.result.value;
	const problems = measured.problems.concat(
		await checkLabelBoxes(conn, sessionId, measured));

	if (screenshotDir) {
		const { cssContentSize } = await conn.send('Page.getLayoutMetrics', {}, sessionId);
		const prefix = `${String(number).padStart(2, '0')}-${path.basename(file, '.html')}-${width}`;
		for (let i = 0; i < SCREENSHOTS_MAX && i * LAYOUT_HEIGHT < cssContentSize.height; i++) {
			const { data } = await conn.send('Page.captureScreenshot', {
				format: 'png', captureBeyondViewport: true,
				clip: { x: 0, y: i * LAYOUT_HEIGHT, width, height: LAYOUT_HEIGHT, scale: 1 },
			}, sessionId);
			fs.writeFileSync(path.join(screenshotDir, `${prefix}-${i + 1}.png`),
				Buffer.from(data, 'base64'));
		}
	}
	await conn.send('Target.closeTarget', { targetId });

	for (const problem of problems.slice(0, PROBLEMS_MAX))
		console.log(`problem\t${file}\t${width}\t${oneLine(problem)}`);
	console.log(`layout\t${file}\t${width}\t${measured.scrollWidth}\t${measured.clientWidth}\t${measured.tableCells}\t${measured.cards.length}\t${problems.length}`);
}

// Read the command line:
//   CHROMIUM [--layout WIDTH[,WIDTH...] [--screenshots DIR]] FILE...
// Returns null on a usage error.
function parseArguments(args) {
	const [chromium, ...rest] = args;
	const options = { chromium, widths: null, screenshotDir: null, files: [] };
	while (rest.length > 0 && rest[0].startsWith('--')) {
		const option = rest.shift();
		const value = rest.shift();
		if (option === '--layout' && /^[1-9][0-9]*(,[1-9][0-9]*)*$/.test(value || ''))
			options.widths = value.split(',').map(Number);
		else if (option === '--screenshots' && value)
			options.screenshotDir = value;
		else
			return null;
	}
	options.files = rest;
	if (!chromium || options.files.length === 0 ||
	    (options.screenshotDir && options.widths === null))
		return null;
	return options;
}

async function main() {
	const options = parseArguments(process.argv.slice(2));
	if (!options) {
		process.stderr.write('usage: page-check.js CHROMIUM [--layout WIDTH[,WIDTH...] [--screenshots DIR]] FILE...\n');
		process.exit(2);
	}
	const { chromium, files } = options;

	const browser = new Browser(chromium);
	// The last resort for an exit that skips stop(), such as an uncaught
	// exception or a signal.
	process.on('exit', () => {
		if (browser.stopped)
			return;
		browser.killNow();
		browser.removeFolder();
	});
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'])
		process.on(signal, () => process.exit(1));

	let status = 0;
	try {
		await browser.connection.send('Browser.getVersion', {}, undefined, START_TIMEOUT);
		for (const [index, file] of files.entries()) {
			if (options.widths === null) {
				await checkPage(browser.connection, file);
				continue;
			}
			for (const width of options.widths)
				await checkLayout(browser.connection, file, width,
					options.screenshotDir, index + 1);
		}
	} catch (err) {
		process.stderr.write(`page-check: ${err.message}\n`);
		status = 1;
	}
	await browser.stop(status === 0);
	process.exit(status);
}

main();
