// page-check: open HTML pages in headless Chromium and report whatever
// ran or went wrong in them, through the DevTools protocol. The protocol
// runs over a pair of pipes (--remote-debugging-pipe), so no port is
// opened and no npm package is needed. The script uses no API newer than
// Node.js 18, the version in Debian 12.
// NOTE: checked against the Node.js 18 documentation, but run only on
// Node.js 20 so far.
//
//   node tests/browser/page-check.js CHROMIUM FILE...
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

async function main() {
	const [chromium, ...files] = process.argv.slice(2);
	if (!chromium || files.length === 0) {
		process.stderr.write('usage: page-check.js CHROMIUM FILE...\n');
		process.exit(2);
	}

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
		for (const file of files)
			await checkPage(browser.connection, file);
	} catch (err) {
		process.stderr.write(`page-check: ${err.message}\n`);
		status = 1;
	}
	await browser.stop(status === 0);
	process.exit(status);
}

main();
