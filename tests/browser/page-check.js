// page-check: open HTML pages in headless Chromium and report whatever
// ran or went wrong in them, through the DevTools protocol on a loopback
// port that Chromium picks. No npm package is needed: Node 20 has a
// WebSocket client behind --experimental-websocket.
//
//   node --experimental-websocket tests/browser/page-check.js \
//       CHROMIUM PROFILE-DIR FILE...
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
// Exit status: 0 when every page was checked (events or not), 1 when
// Chromium could not be started or a page did not load, 2 usage error.
'use strict';

const { spawn } = require('node:child_process');
const { pathToFileURL } = require('node:url');
const path = require('node:path');

// Milliseconds to wait for the browser, for a page's load event, and
// after it, for late events such as a failed image whose error handler
// runs a script.
const START_TIMEOUT = 30000;
const LOAD_TIMEOUT = 30000;
const SETTLE_TIME = 1000;

function fail(message) {
	process.stderr.write(`page-check: ${message}\n`);
	process.exit(1);
}

function startChromium(chromium, profile) {
	const args = [
		'--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
		'--no-first-run', '--disable-background-networking',
		'--disable-component-update', '--disable-sync',
		'--disable-default-apps', '--mute-audio',
		`--user-data-dir=${profile}`, '--remote-debugging-address=127.0.0.1',
		'--remote-debugging-port=0', 'about:blank',
	];
	const child = spawn(chromium, args, { stdio: ['ignore', 'ignore', 'pipe'] });
	return new Promise((resolve, reject) => {
		let output = '';
		const timer = setTimeout(() => {
			reject(new Error(`no DevTools address from ${chromium} within ${START_TIMEOUT} ms: ${output.slice(-2000)}`));
		}, START_TIMEOUT);
		child.on('error', (err) => {
			clearTimeout(timer);
			reject(err);
		});
		child.stderr.on('data', (chunk) => {
			output += chunk;
			const match = /DevTools listening on (ws:\/\/127\.0\.0\.1:\d+\/\S+)/.exec(output);
			if (match) {
				clearTimeout(timer);
				resolve({ child, url: match[1] });
			}
		});
	});
}

// A DevTools protocol connection with flat sessions.
class Connection {
	constructor(socket) {
		this.socket = socket;
		this.nextId = 1;
		this.pending = new Map();
		this.listeners = [];
		socket.addEventListener('message', (event) => {
			const message = JSON.parse(event.data);
			if (message.id && this.pending.has(message.id)) {
				const { resolve, reject } = this.pending.get(message.id);
				this.pending.delete(message.id);
				if (message.error)
					reject(new Error(`${message.error.message} (${message.error.code})`));
				else
					resolve(message.result);
				return;
			}
			for (const listener of this.listeners)
				listener(message);
		});
	}

	send(method, params = {}, sessionId = undefined) {
		const id = this.nextId++;
		const message = { id, method, params };
		if (sessionId)
			message.sessionId = sessionId;
		this.socket.send(JSON.stringify(message));
		return new Promise((resolve, reject) => {
			this.pending.set(id, { resolve, reject });
		});
	}

	on(listener) {
		this.listeners.push(listener);
	}
}

function connect(url) {
	const socket = new WebSocket(url);
	return new Promise((resolve, reject) => {
		socket.addEventListener('open', () => resolve(new Connection(socket)));
		socket.addEventListener('error', () => reject(new Error(`cannot connect to ${url}`)));
	});
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

	conn.on((message) => {
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
		new Promise((resolve) => setTimeout(() => resolve(true), LOAD_TIMEOUT)),
	]);
	if (timedOut)
		fail(`${file} did not load within ${LOAD_TIMEOUT} ms`);
	await new Promise((resolve) => setTimeout(resolve, SETTLE_TIME));
	await conn.send('Target.closeTarget', { targetId });

	for (const event of events)
		console.log(event);
	console.log(`page\t${file}\t${events.length}`);
}

async function main() {
	const [chromium, profile, ...files] = process.argv.slice(2);
	if (!chromium || !profile || files.length === 0) {
		process.stderr.write('usage: page-check.js CHROMIUM PROFILE-DIR FILE...\n');
		process.exit(2);
	}
	let browser;
	try {
		browser = await startChromium(chromium, profile);
	} catch (err) {
		fail(err.message);
	}
	try {
		const conn = await connect(browser.url);
		for (const file of files)
			await checkPage(conn, file);
		// Chromium may close the socket before it replies.
		conn.send('Browser.close').catch(() => {});
	} catch (err) {
		browser.child.kill('SIGKILL');
		fail(err.message);
	}
	await new Promise((resolve) => {
		const timer = setTimeout(() => {
			browser.child.kill('SIGKILL');
			resolve();
		}, 5000);
		browser.child.on('exit', () => {
			clearTimeout(timer);
			resolve();
		});
	});
	process.exit(0);
}

main();
